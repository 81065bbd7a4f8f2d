package io.postmortembridge.incident;

/**
 * Reads one source's webhook bodies. Pure: the same bytes always read the same way, so a body
 * checked when it arrives can be read again, later, by whichever replica takes it in.
 */
public interface WebhookReader {

    Source source();

    /** @throws MalformedInputException saying what is wrong, in words safe to show the sender */
    WebhookEvent read(byte[] body);
}
