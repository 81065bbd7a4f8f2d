package io.postmortembridge.http;

import java.time.Duration;

import io.postmortembridge.failure.TransientFailure;

/**
 * A vendor API's answer.
 *
 * @param retryAfter how long the vendor asked us to wait (Retry-After, or PagerDuty's ratelimit-reset); null if it did not
 */
public record VendorReply(int status, String body, Duration retryAfter) {

    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }

    /** Rate limiting, server trouble and timeouts pass; other errors come back the same every time. */
    public boolean isTransientFailure() {
        return status == 429 || status == 408 || status >= 500;
    }

    public TransientFailure transientFailure(String what) {
        String hint = retryAfter == null ? "" : ", asked to wait " + retryAfter.toSeconds() + " s";
        return new TransientFailure(what + " answered HTTP " + status + hint, retryAfter);
    }
}
