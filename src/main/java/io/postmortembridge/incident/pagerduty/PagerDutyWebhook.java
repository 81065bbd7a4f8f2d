package io.postmortembridge.incident.pagerduty;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.postmortembridge.incidentlog.WebhookIntake;
import io.postmortembridge.server.HttpAnswer;

/**
 * {@code POST /webhooks/pagerduty}: checks the signature, then stores the delivery before
 * answering, so a 2xx always means the event is safe. PagerDuty retries anything else.
 */
public final class PagerDutyWebhook {

    private static final Logger LOG = LoggerFactory.getLogger(PagerDutyWebhook.class);

    private final PagerDutySignature signature;
    private final PagerDutyWebhookParser parser;
    private final WebhookIntake intake;

    /** @param signature null only in dry-run without a configured secret, where anyone may post */
    public PagerDutyWebhook(PagerDutySignature signature, PagerDutyWebhookParser parser, WebhookIntake intake) {
        this.signature = signature;
        this.parser = parser;
        this.intake = intake;
    }

    /**
     * @param body            the raw body; anything but bytes is a body that was not sent as JSON
     * @param signatureHeader {@code X-PagerDuty-Signature}
     * @param deliveryId      {@code X-Webhook-Id}, the same on every retry of one delivery
     */
    public HttpAnswer receive(Object body, String contentType, String signatureHeader, String deliveryId) {
        return intake.take(parser, body, contentType, raw -> refusal(raw, signatureHeader), deliveryId);
    }

    private String refusal(byte[] raw, String signatureHeader) {
        if (signature == null || signature.verify(raw, signatureHeader)) {
            return null;
        }
        LOG.warn("Refused a PagerDuty webhook: {}; if PagerDuty sent it, PAGERDUTY_WEBHOOK_SECRET does not hold the "
                + "subscription's secret", signatureHeader == null ? "no X-PagerDuty-Signature header"
                : "X-PagerDuty-Signature does not match");
        return "invalid or missing X-PagerDuty-Signature";
    }
}
