package io.postmortembridge.http;

import io.postmortembridge.failure.TransientFailure;

/**
 * The one way to call a vendor API. Implementations answer every HTTP status as a reply and turn
 * a connection failure or timeout into a {@link TransientFailure}.
 */
@FunctionalInterface
public interface VendorHttp {
    VendorReply send(VendorCall call);
}
