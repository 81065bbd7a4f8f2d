package io.postmortembridge.server;

import java.time.Clock;
import java.time.Duration;
import java.util.Locale;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.postmortembridge.logging.OncePer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * Requests that failed before a route could answer them: a body over the size limit, a client
 * that left (or was cut off) while sending. Vert.x would log each at ERROR; a client's mistake is
 * not the operator's emergency.
 */
final class Failures {

    private static final Logger LOG = LoggerFactory.getLogger(Failures.class);
    private static final double MIB = 1024 * 1024;

    private final Long maxBodySize;
    private final OncePer oversized = new OncePer(Duration.ofMinutes(1), Clock.systemUTC());

    Failures(Long maxBodySize) {
        this.maxBodySize = maxBodySize;
    }

    void handle(RoutingContext failed) {
        HttpServerRequest request = failed.request();
        HttpServerResponse response = failed.response();
        if (response.ended() || response.closed()) {
            LOG.debug("{} {} from {} ended before it was answered", request.method(), request.path(),
                    request.remoteAddress(), failed.failure());
            return;
        }
        if (failed.statusCode() == 413) {
            refusedOversized(request);
            JsonAnswer.send(response, 413, "the body is larger than the " + maxBodySize + " bytes this service "
                    + "accepts");
            return;
        }
        int status = failed.statusCode() >= 400 ? failed.statusCode() : 500;
        if (status >= 500) {
            LOG.error("Failed to answer {} {} from {}", request.method(), request.path(), request.remoteAddress(),
                    failed.failure());
        }
        JsonAnswer.send(response, status, status >= 500 ? "internal error; see the service log"
                : "the request cannot be read (HTTP " + status + ")");
    }

    private void refusedOversized(HttpServerRequest request) {
        String client = request.remoteAddress() == null ? "an unknown address" : request.remoteAddress().host();
        if (oversized.tryAcquire(client) < 0) {
            return;
        }
        String length = request.getHeader("Content-Length");
        String body = length != null && length.matches("\\d{1,18}") ? "a " + mib(Long.parseLong(length)) + " body"
                : "a body over " + mib(maxBodySize);
        LOG.warn("Refused {} from {} on {}: over camel.server.max-body-size ({} bytes). Further refusals from {} "
                + "are not logged for a minute", body, client, request.path(), maxBodySize, client);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / MIB);
    }
}
