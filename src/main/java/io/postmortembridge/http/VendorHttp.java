package io.postmortembridge.http;

/**
 * The one way to call a vendor API. Implementations answer every HTTP status as a reply and turn
 * a connection failure or timeout into a {@link io.postmortembridge.incidentlog.TransientFailure}.
 */
@FunctionalInterface
public interface VendorHttp {
    HttpReply send(HttpCall call);
}
