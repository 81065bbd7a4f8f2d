package io.postmortembridge.incident.pagerduty;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.postmortembridge.http.HttpAnswer;
import io.postmortembridge.incident.MalformedInputException;
import io.postmortembridge.incidentlog.IncidentLog;

/**
 * {@code POST /webhooks/pagerduty}: checks the signature, reads the event and stores it before
 * answering, so a 2xx always means the event is safe. PagerDuty retries anything else.
 */
public final class PagerDutyWebhook {

    private static final Logger LOG = LoggerFactory.getLogger(PagerDutyWebhook.class);
    private static final int MAX_DELIVERY_ID = 256;

    private final PagerDutySignature signature;
    private final PagerDutyWebhookParser parser;
    private final IncidentLog log;

    /** @param signature null only in dry-run without a configured secret, where anyone may post */
    public PagerDutyWebhook(PagerDutySignature signature, PagerDutyWebhookParser parser, IncidentLog log) {
        this.signature = signature;
        this.parser = parser;
        this.log = log;
    }

    /**
     * @param signatureHeader {@code X-PagerDuty-Signature}
     * @param deliveryId      {@code X-Webhook-Id}, the same on every retry of one delivery
     */
    public HttpAnswer receive(byte[] body, String signatureHeader, String deliveryId) {
        if (signature != null && !signature.verify(body == null ? new byte[0] : body, signatureHeader)) {
            LOG.warn("Refused a PagerDuty webhook: {}; if PagerDuty sent it, PAGERDUTY_WEBHOOK_SECRET does not hold "
                    + "the subscription's secret", signatureHeader == null ? "no X-PagerDuty-Signature header"
                    : "X-PagerDuty-Signature does not match");
            return HttpAnswer.error(401, "invalid or missing X-PagerDuty-Signature");
        }
        PagerDutyWebhookEvent event;
        try {
            event = parser.parse(body);
        } catch (MalformedInputException e) {
            LOG.warn("Refused a PagerDuty webhook: {}", e.getMessage());
            return HttpAnswer.error(400, e.getMessage());
        }
        if (!event.isUsed()) {
            LOG.debug("Ignored PagerDuty {} event {}", event.eventType(), event.eventId());
            return HttpAnswer.of(202, "status", "ignored", "reason", event.eventType() + " is not used");
        }
        String delivery = deliveryId == null || deliveryId.isBlank() ? event.event().key() : deliveryId.strip();
        if (delivery.length() > MAX_DELIVERY_ID) {
            return HttpAnswer.error(400, "X-Webhook-Id is longer than " + MAX_DELIVERY_ID + " characters");
        }
        IncidentLog.Intake intake;
        try {
            intake = log.takeIn(delivery, event.eventType(), event.incident(), event.event(), event.resolution());
        } catch (RuntimeException e) {
            LOG.error("Could not store PagerDuty delivery {}; answering 503 so that PagerDuty retries it", delivery, e);
            return HttpAnswer.error(503, "the incident log could not store this event; retry later");
        }
        String incident = event.incident().externalId();
        if (intake == IncidentLog.Intake.DUPLICATE) {
            LOG.debug("PagerDuty delivery {} was already taken in", delivery);
            return HttpAnswer.of(200, "status", "duplicate", "incident", incident);
        }
        if (event.resolution()) {
            LOG.info("PagerDuty incident {} resolved: deciding whether it needs a post-mortem", incident);
        }
        return HttpAnswer.of(202, "status", "accepted", "event", event.eventType(), "incident", incident);
    }
}
