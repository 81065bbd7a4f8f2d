package io.postmortembridge.jira;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

import io.postmortembridge.incidentlog.ActionLog;
import io.postmortembridge.incidentlog.Database;
import io.postmortembridge.incidentlog.WebhookIntake;
import io.postmortembridge.incidentlog.WebhookIntake.Outcome;
import io.postmortembridge.server.HttpAnswer;

/**
 * {@code POST /webhooks/jira}: a Jira Cloud admin webhook for {@code jira:issue_updated}. A
 * post-mortem issue that carries the agreed label asks for its actions to be pushed: that request
 * is stored (one write) before the answer, so a 2xx means it is safe. The body is Jira's v2 shape,
 * whose description is not ADF: the push reads the issue again over REST v3.
 */
public final class JiraWebhook {

    private static final Logger LOG = LoggerFactory.getLogger(JiraWebhook.class);
    /** How metrics name the sender: postmortem_bridge_webhooks_total{source="jira"}. */
    private static final String SENDER = "jira";

    private final JiraWebhookSignature signature;
    private final ActionLog actions;
    private final Database database;
    private final String postmortemProject;
    private final boolean dryRun;
    private final String agreedLabel;
    private final ObjectReader json;
    private final WebhookIntake intake;

    /** @param signature null only in dry-run without a configured secret, where anyone may post */
    public JiraWebhook(JiraWebhookSignature signature, ActionLog actions, Database database, JiraSettings jira,
            String agreedLabel, ObjectMapper json, WebhookIntake intake) {
        this.signature = signature;
        this.actions = actions;
        this.database = database;
        this.postmortemProject = jira.project();
        this.dryRun = jira.dryRun();
        this.agreedLabel = agreedLabel;
        this.json = json.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.intake = intake;
    }

    /**
     * @param body            the raw body; anything but bytes is a body that was not sent as JSON
     * @param signatureHeader {@code X-Hub-Signature}
     */
    public HttpAnswer receive(Object body, String contentType, String signatureHeader) {
        if (!WebhookIntake.isJson(contentType)) {
            return counted(Outcome.REJECTED, HttpAnswer.error(415, "the body must be JSON, sent with Content-Type: "
                    + "application/json"));
        }
        byte[] raw = body instanceof byte[] bytes ? bytes : new byte[0];
        if (signature != null && !signature.verify(raw, signatureHeader)) {
            LOG.warn("Refused a Jira webhook: {}; if Jira sent it, JIRA_WEBHOOK_SECRET does not hold the webhook's secret",
                    signatureHeader == null ? "no X-Hub-Signature header" : "X-Hub-Signature does not match");
            return counted(Outcome.REJECTED, HttpAnswer.error(401, "invalid or missing X-Hub-Signature"));
        }
        JiraIssueChange change;
        try {
            change = read(raw);
        } catch (IllegalArgumentException e) {
            LOG.warn("Refused a Jira webhook: {}", e.getMessage());
            return counted(Outcome.REJECTED, HttpAnswer.error(400, e.getMessage()));
        }
        String ignored = whyIgnored(change);
        if (ignored != null) {
            return counted(Outcome.IGNORED, HttpAnswer.of(202, "status", "ignored", "reason", ignored));
        }
        if (!database.isMigrated()) {
            return unavailable(database.problem());
        }
        boolean stored;
        try {
            stored = actions.requestPush(change.issueKey(), change.updated());
        } catch (RuntimeException e) {
            return unavailable(Database.describe(e));
        }
        if (!stored) {
            return counted(Outcome.DUPLICATE, HttpAnswer.of(200, "status", "duplicate", "issue", change.issueKey()));
        }
        LOG.info("Post-mortem {} is marked {}: reading its actions", change.issueKey(), agreedLabel);
        return counted(Outcome.ACCEPTED, HttpAnswer.of(202, "status", "accepted", "issue", change.issueKey()));
    }

    /** What a webhook says about an issue; {@code updated} in epoch milliseconds. */
    record JiraIssueChange(String event, String issueKey, String project, List<String> labels, long updated) {
    }

    JiraIssueChange read(byte[] raw) {
        JsonNode root;
        try {
            root = json.readTree(raw);
        } catch (IOException e) {
            throw new IllegalArgumentException("the body is not one JSON document: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse("unreadable"));
        }
        if (root == null || !root.isObject() || !root.path("webhookEvent").isTextual()) {
            throw new IllegalArgumentException("not a Jira webhook: expected a JSON object with a 'webhookEvent'");
        }
        String event = root.get("webhookEvent").asText();
        JsonNode issue = root.path("issue");
        if (!issue.isObject()) {
            return new JiraIssueChange(event, null, null, List.of(), 0);
        }
        String key = issue.path("key").asText(null);
        if (key == null || !key.matches("[A-Z][A-Z0-9_]{0,254}-[1-9][0-9]{0,17}")) {
            throw new IllegalArgumentException("issue.key is missing or not a Jira issue key");
        }
        JsonNode fields = issue.path("fields");
        List<String> labels = new ArrayList<>();
        fields.path("labels").forEach(label -> labels.add(label.asText()));
        String project = fields.path("project").path("key").asText(key.substring(0, key.lastIndexOf('-')));
        return new JiraIssueChange(event, key, project, labels, updated(fields.path("updated"), root.path("timestamp")));
    }

    /** The issue's own last change, so that a webhook and a poll that saw the same change are one request. */
    private static long updated(JsonNode updated, JsonNode timestamp) {
        if (updated.isNumber()) {
            return updated.asLong();
        }
        if (updated.isTextual()) {
            return JiraTime.parse(updated.asText()).map(Instant::toEpochMilli).orElseThrow(() ->
                    new IllegalArgumentException("issue.fields.updated is not a Jira time: " + clip(updated.asText())));
        }
        if (timestamp.isNumber()) {
            return timestamp.asLong();
        }
        throw new IllegalArgumentException("neither issue.fields.updated nor timestamp says when the issue changed");
    }

    private String whyIgnored(JiraIssueChange change) {
        if (dryRun) {
            return "dry-run: JIRA_BASE_URL is not set, so no actions are pushed";
        }
        if (!change.event().equals("jira:issue_updated") && !change.event().equals("jira:issue_created")) {
            return change.event() + " is not used";
        }
        if (change.issueKey() == null) {
            return "no issue in the body";
        }
        if (!change.project().equals(postmortemProject)) {
            return change.issueKey() + " is not in the post-mortem project " + postmortemProject;
        }
        if (change.labels().stream().noneMatch(agreedLabel::equalsIgnoreCase)) {
            return change.issueKey() + " has no label " + agreedLabel;
        }
        return null;
    }

    private HttpAnswer unavailable(String problem) {
        return intake.unavailable(SENDER, "Jira", problem);
    }

    private HttpAnswer counted(Outcome outcome, HttpAnswer answer) {
        return intake.counted(SENDER, outcome, answer);
    }

    private static String clip(String value) {
        return value.length() <= 60 ? value : value.substring(0, 60) + "…";
    }
}
