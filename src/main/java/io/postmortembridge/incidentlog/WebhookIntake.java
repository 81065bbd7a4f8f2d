package io.postmortembridge.incidentlog;

import java.time.Clock;
import java.time.Duration;
import java.util.Locale;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.postmortembridge.incident.MalformedInputException;
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

    private static final Logger LOG = LoggerFactory.getLogger(WebhookIntake.class);

    private final Inbox inbox;
    private final Database database;
    private final OncePer unavailable;

    public WebhookIntake(Inbox inbox, Database database, Clock clock) {
        this.inbox = inbox;
        this.database = database;
        this.unavailable = new OncePer(Duration.ofMinutes(1), clock);
    }

    /**
     * Null when the body is declared JSON, else the 415 to answer. Media types are compared without
     * regard to case (RFC 9110), and parameters such as {@code charset} are allowed.
     */
    public HttpAnswer refuseUnlessJson(String contentType) {
        String type = contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (type.equals("application/json") || type.startsWith("application/") && type.endsWith("+json")) {
            return null;
        }
        return HttpAnswer.error(415, "the body must be JSON, sent with Content-Type: application/json"
                + (contentType == null ? "" : ", not " + clip(contentType)));
    }

    /**
     * Reads the body to check it, then stores it as it came.
     *
     * @param deliveryId the sender's id of this delivery, the same on each retry; null or blank: the
     *                   event's own id is used
     */
    public HttpAnswer store(WebhookReader reader, byte[] body, String deliveryId) {
        String source = reader.source().displayName();
        WebhookEvent event;
        try {
            event = reader.read(body);
        } catch (MalformedInputException e) {
            LOG.warn("Refused a {} webhook: {}", source, e.getMessage());
            return HttpAnswer.error(400, e.getMessage());
        }
        if (!event.isUsed()) {
            LOG.debug("Ignored {} {} event {}", source, event.eventType(), event.eventId());
            return HttpAnswer.of(202, "status", "ignored", "reason", event.eventType() + " is not used");
        }
        String delivery = deliveryId == null || deliveryId.isBlank() ? event.eventId() : deliveryId.strip();
        if (delivery.length() > Inbox.MAX_DELIVERY_ID) {
            return HttpAnswer.error(400, "the delivery id is longer than " + Inbox.MAX_DELIVERY_ID + " characters");
        }
        if (!database.isMigrated()) {
            return unavailable(source, database.problem());
        }
        Inbox.Receipt receipt;
        try {
            receipt = inbox.receive(reader.source(), delivery, event.eventType(), body);
        } catch (RuntimeException e) {
            return unavailable(source, Database.describe(e));
        }
        String incident = event.incident().externalId();
        if (receipt == Inbox.Receipt.DUPLICATE) {
            LOG.debug("{} delivery {} was already taken in", source, delivery);
            return HttpAnswer.of(200, "status", "duplicate", "incident", incident);
        }
        return HttpAnswer.of(202, "status", "accepted", "event", event.eventType(), "incident", incident);
    }

    private HttpAnswer unavailable(String source, String problem) {
        long held = unavailable.tryAcquire();
        if (held >= 0) {
            LOG.warn("Answering {} webhooks 503, so that they are sent again later: the incident log cannot store "
                    + "them ({}){}", source, problem,
                    held > 0 ? "; " + held + " more answered 503 in the last minute" : "");
        }
        return HttpAnswer.error(503, "the incident log cannot store this delivery now; send it again later");
    }

    private static String clip(String value) {
        return value.length() <= 100 ? value : value.substring(0, 100) + "…";
    }
}
