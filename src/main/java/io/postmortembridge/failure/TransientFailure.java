package io.postmortembridge.failure;

import java.time.Duration;

/**
 * Work that failed for a reason that passes: the other side is down, slow or rate-limiting. The
 * outbox tries again later, no sooner than {@code retryAfter} when the other side said so.
 */
public class TransientFailure extends RuntimeException {

    private final Duration retryAfter;

    public TransientFailure(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    /** Null when the other side gave no hint. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
