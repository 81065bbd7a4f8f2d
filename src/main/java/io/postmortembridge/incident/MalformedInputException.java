package io.postmortembridge.incident;

/** Input that can never be processed as sent; the message says what is wrong and is safe to show the sender. */
public class MalformedInputException extends RuntimeException {
    public MalformedInputException(String message) {
        super(message);
    }
}
