package io.postmortembridge.http;

import java.time.Clock;
import java.util.Locale;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import io.postmortembridge.failure.TransientFailure;

/**
 * Sends vendor calls through their route (e.g. {@code direct:jira-api}), where the camel-http
 * endpoint, its authentication and timeouts are configured. Each call is a fresh exchange, so no
 * header of an inbound request can leak into it.
 */
public final class CamelVendorHttp implements VendorHttp {

    private final ProducerTemplate producer;
    private final String route;
    private final String vendor;
    private final Clock clock;
    private final MeterRegistry meters;

    /**
     * @param route  the route that performs the call, e.g. {@code direct:jira-api}
     * @param vendor how errors name the other side, e.g. "Jira"
     */
    public CamelVendorHttp(ProducerTemplate producer, String route, String vendor, Clock clock,
            MeterRegistry meters) {
        this.producer = producer;
        this.route = route;
        this.vendor = vendor;
        this.clock = clock;
        this.meters = meters;
    }

    @Override
    public VendorReply send(VendorCall call) {
        Timer.Sample sample = Timer.start(meters);
        String outcome = "unreachable";
        try {
            VendorReply reply = exchange(call);
            outcome = outcome(reply.status());
            return reply;
        } finally {
            sample.stop(Timer.builder("postmortem_bridge_vendor_calls")
                    .description("Calls to Jira and PagerDuty by outcome, and how long they took")
                    .tag("vendor", vendor.toLowerCase(Locale.ROOT))
                    .tag("outcome", outcome)
                    .publishPercentileHistogram()
                    .register(meters));
        }
    }

    /** success, client-error, rate-limited, server-error; unreachable when no answer came. */
    private static String outcome(int status) {
        if (status == 429) {
            return "rate-limited";
        }
        return status < 400 ? "success" : status < 500 ? "client-error" : "server-error";
    }

    private VendorReply exchange(VendorCall call) {
        Exchange done = producer.send(route, exchange -> {
            Message request = exchange.getMessage();
            request.setHeader(Exchange.HTTP_METHOD, call.method());
            request.setHeader(Exchange.HTTP_PATH, call.path());
            String query = call.encodedQuery();
            if (!query.isEmpty()) {
                request.setHeader(Exchange.HTTP_QUERY, query);
            }
            if (call.body() != null) {
                request.setHeader(Exchange.CONTENT_TYPE, "application/json");
                request.setBody(call.body());
            }
        });
        Exception failure = done.getException();
        if (failure != null) {
            throw new TransientFailure(vendor + " could not be reached (" + call + "): " + describe(failure), null);
        }
        Message reply = done.getMessage();
        Integer status = reply.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        if (status == null) {
            throw new TransientFailure(vendor + " gave no HTTP status for " + call, null);
        }
        return new VendorReply(status, reply.getBody(String.class), RetryAfter.parse(
                reply.getHeader("Retry-After", String.class), reply.getHeader("ratelimit-reset", String.class),
                clock.instant()));
    }

    /** The innermost cause names what went wrong (connection refused, read timed out). */
    private static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
