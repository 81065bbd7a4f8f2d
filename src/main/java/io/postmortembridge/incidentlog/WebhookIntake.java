package io.postmortembridge.incidentlog;

import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.postmortembridge.incident.MalformedInputException;
import io.postmortembridge.incident.Source;
import io.postmortembridge.incident.WebhookEvent;
import io.postmortembridge.incident.WebhookReader;
import io.postmortembridge.logging.OncePer;
import io.postmortembridge.server.HttpAnswer;

/**
 * How every webhook endpoint answers, whatever the source: a body is checked, stored in the inbox
 * in one write, and only then answered 2xx, so a 2xx always means the delivery is safe. The sender
 * retries anything else, so every refusal says whether retrying can help (5xx) or not (4xx).
 */
public final class WebhookIntake {

    /** What became of a delivery, as counted in {@code postmortem_bridge_webhooks_total{outcome}}. */
    public enum Outcome {
        ACCEPTED, DUPLICATE, IGNORED, REJECTED, UNAVAILABLE
    }

    private static final Logger LOG = LoggerFactory.getLogger(WebhookIntake.class);

    private final Inbox inbox;
    private final Database database;
    private final MeterRegistry meters;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final OncePer unavailable;

    public WebhookIntake(Inbox inbox, Database database, Clock clock, MeterRegistry meters) {
        this.inbox = inbox;
        this.database = database;
        this.meters = meters;
        this.unavailable = new OncePer(Duration.ofMinutes(1), clock);
    }

    /**
     * Takes one delivery in: its content type, then whether it comes from the source, then its body,
     * then the one write.
     *
     * @param body         the raw body; anything but bytes is a body that was not sent as JSON
     * @param authenticity null when the raw body comes from the source, else the refusal to answer 401 with
     * @param deliveryId   the sender's id of this delivery, the same on each retry; null or blank: the
     *                     event's own id is used
     */
    public HttpAnswer take(WebhookReader reader, Object body, String contentType,
            Function<byte[], String> authenticity, String deliveryId) {
        Source source = reader.source();
        if (!isJson(contentType)) {
            return counted(source, Outcome.REJECTED, HttpAnswer.error(415, "the body must be JSON, sent with "
                    + "Content-Type: application/json" + (contentType == null ? "" : ", not " + clip(contentType))));
        }
        byte[] raw = body instanceof byte[] bytes ? bytes : new byte[0];
        String refusal = authenticity.apply(raw);
        if (refusal != null) {
            return counted(source, Outcome.REJECTED, HttpAnswer.error(401, refusal));
        }
        WebhookEvent event;
        try {
            event = reader.read(raw);
        } catch (MalformedInputException e) {
            LOG.warn("Refused a {} webhook: {}", source.displayName(), e.getMessage());
            return counted(source, Outcome.REJECTED, HttpAnswer.error(400, e.getMessage()));
        }
        if (!event.isUsed()) {
            LOG.debug("Ignored {} {} event {}", source.displayName(), event.eventType(), event.eventId());
            return counted(source, Outcome.IGNORED,
                    HttpAnswer.of(202, "status", "ignored", "reason", event.eventType() + " is not used"));
        }
        String delivery = deliveryId == null || deliveryId.isBlank() ? event.eventId() : deliveryId.strip();
        if (delivery.length() > Inbox.MAX_DELIVERY_ID) {
            return counted(source, Outcome.REJECTED,
                    HttpAnswer.error(400, "the delivery id is longer than " + Inbox.MAX_DELIVERY_ID + " characters"));
        }
        if (!database.isMigrated()) {
            return unavailable(source, database.problem());
        }
        Inbox.Receipt receipt;
        try {
            receipt = inbox.receive(source, delivery, event.eventType(), raw, event);
        } catch (RuntimeException e) {
            return unavailable(source, Database.describe(e));
        }
        String incident = event.incident().externalId();
        if (receipt == Inbox.Receipt.DUPLICATE) {
            LOG.debug("{} delivery {} was already taken in", source.displayName(), delivery);
            return counted(source, Outcome.DUPLICATE,
                    HttpAnswer.of(200, "status", "duplicate", "incident", incident));
        }
        return counted(source, Outcome.ACCEPTED,
                HttpAnswer.of(202, "status", "accepted", "event", event.eventType(), "incident", incident));
    }

    /**
     * Declared JSON? Media types are compared without regard to case (RFC 9110), and parameters such
     * as {@code charset} are allowed.
     */
    public static boolean isJson(String contentType) {
        String type = contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return type.equals("application/json") || type.startsWith("application/") && type.endsWith("+json");
    }

    private HttpAnswer unavailable(Source source, String problem) {
        return unavailable(source.id(), source.displayName(), problem);
    }

    /**
     * The answer to a delivery the incident log cannot store now: 503, so that the sender tries again
     * later; logged once a minute whatever the sender.
     *
     * @param sender      how metrics name the sender, e.g. jira
     * @param displayName how the log names it, e.g. Jira
     */
    public HttpAnswer unavailable(String sender, String displayName, String problem) {
        long held = unavailable.tryAcquire();
        if (held >= 0) {
            LOG.warn("Answering {} webhooks 503, so that they are sent again later: the incident log cannot store "
                    + "them ({}){}", displayName, problem,
                    held > 0 ? "; " + held + " more answered 503 in the last minute" : "");
        }
        return counted(sender, Outcome.UNAVAILABLE,
                HttpAnswer.error(503, "the incident log cannot store this delivery now; send it again later"));
    }

    private HttpAnswer counted(Source source, Outcome outcome, HttpAnswer answer) {
        return counted(source.id(), outcome, answer);
    }

    /** Counts the answer in {@code postmortem_bridge_webhooks_total{source, outcome}} and returns it. */
    public HttpAnswer counted(String sender, Outcome outcome, HttpAnswer answer) {
        counters.computeIfAbsent(sender + "/" + outcome, key -> Counter.builder("postmortem_bridge_webhooks")
                        .description("Webhook deliveries by source and what became of them")
                        .tag("source", sender)
                        .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
                        .register(meters))
                .increment();
        return answer;
    }

    private static String clip(String value) {
        return value.length() <= 100 ? value : value.substring(0, 100) + "…";
    }
}
