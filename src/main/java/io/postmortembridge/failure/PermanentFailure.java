package io.postmortembridge.failure;

/**
 * Work that will fail the same way every time until someone changes something; the message says
 * what. The outbox stops retrying it and keeps the message; a restart (after the fix) tries once more.
 */
public class PermanentFailure extends RuntimeException {

    public PermanentFailure(String message) {
        super(message);
    }
}
