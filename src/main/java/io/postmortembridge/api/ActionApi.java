package io.postmortembridge.api;

import java.io.IOException;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.postmortembridge.action.ActionReview;
import io.postmortembridge.action.ActionRow;
import io.postmortembridge.action.ActionSettings;
import io.postmortembridge.action.AgreedPostmortem;
import io.postmortembridge.action.AgreedPostmortemReader;
import io.postmortembridge.action.Finding;
import io.postmortembridge.action.MalformedPostmortemException;
import io.postmortembridge.action.Teams;
import io.postmortembridge.failure.TransientFailure;
import io.postmortembridge.incident.Source;
import io.postmortembridge.incidentlog.ActionLog;
import io.postmortembridge.incidentlog.Database;
import io.postmortembridge.incidentlog.IncidentLog;
import io.postmortembridge.incidentlog.LoggedAction;
import io.postmortembridge.incidentlog.LoggedIncident;
import io.postmortembridge.jira.JiraUsers;
import io.postmortembridge.jira.OwnerLookup;
import io.postmortembridge.server.HttpAnswer;

/**
 * The actions API, for teams that write post-mortems elsewhere: check a post-mortem's actions,
 * push them, and read back what became of them. The same review as the push from the post-mortem
 * issue; the push itself runs from the outbox.
 */
public final class ActionApi {

    private final ApiAccess access;
    private final ActionReview review;
    private final ActionSettings settings;
    private final Teams teams;
    private final JiraUsers users;
    private final IncidentLog incidentLog;
    private final ActionLog actionLog;
    private final Database database;
    private final ObjectReader reader;
    private final ObjectMapper json;
    private final Clock clock;

    /** @param users null in dry-run: owners are then checked for shape, not looked up */
    public ActionApi(ApiAccess access, ActionSettings settings, Teams teams, JiraUsers users, IncidentLog incidentLog,
            ActionLog actionLog, Database database, ObjectMapper json, Clock clock) {
        this.access = access;
        this.review = new ActionReview(settings.rules());
        this.settings = settings;
        this.teams = teams;
        this.users = users;
        this.incidentLog = incidentLog;
        this.actionLog = actionLog;
        this.database = database;
        this.reader = json.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.json = json;
        this.clock = clock;
    }

    /** {@code POST /api/postmortems/check}: the findings, and nothing else happens. */
    public HttpAnswer check(Object body, String contentType, String authorization) {
        HttpAnswer refused = refusal(authorization, contentType);
        if (refused != null) {
            return refused;
        }
        AgreedPostmortem postmortem;
        try {
            postmortem = read(body);
        } catch (MalformedPostmortemException e) {
            return HttpAnswer.error(400, e.getMessage());
        }
        return new HttpAnswer(200, findingsJson(findings(postmortem)).toString());
    }

    /** {@code POST /api/incidents/{id}/actions}: 422 with the findings, or 202 and the push follows. */
    public HttpAnswer submit(String incidentId, Object body, String contentType, String authorization) {
        HttpAnswer refused = refusal(authorization, contentType);
        if (refused != null) {
            return refused;
        }
        if (users == null) {
            return HttpAnswer.error(409, "dry-run: JIRA_BASE_URL is not set, so there is no sprint to push actions "
                    + "into; POST /api/postmortems/check reviews them without pushing");
        }
        Optional<LoggedIncident> incident = incident(incidentId);
        if (incident.isEmpty()) {
            return HttpAnswer.error(404, "no incident " + clip(incidentId) + " in the incident log; ids look like "
                    + "pagerduty-Q3B15VLMF3ASBD");
        }
        AgreedPostmortem postmortem;
        try {
            postmortem = read(body);
        } catch (MalformedPostmortemException e) {
            return HttpAnswer.error(400, e.getMessage());
        }
        List<Finding> findings = findings(postmortem);
        if (findings.stream().anyMatch(Finding::isError)) {
            return new HttpAnswer(422, findingsJson(findings).toString());
        }
        try {
            actionLog.requestApiPush(incident.get().id(), body instanceof byte[] bytes
                    ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8) : "");
        } catch (RuntimeException e) {
            return HttpAnswer.error(503, "the incident log cannot store the actions now (" + Database.describe(e)
                    + "); send them again later");
        }
        ObjectNode answer = findingsJson(findings);
        answer.put("status", "accepted");
        answer.put("actions", "/api/incidents/" + incidentId + "/actions");
        return new HttpAnswer(202, answer.toString());
    }

    /** {@code GET /api/incidents/{id}/actions}: each action with its Jira issue, sprint and status. */
    public HttpAnswer list(String incidentId, String authorization) {
        HttpAnswer refused = access.refusal(authorization);
        if (refused != null) {
            return refused;
        }
        Optional<LoggedIncident> incident = incident(incidentId);
        if (incident.isEmpty()) {
            return HttpAnswer.error(404, "no incident " + clip(incidentId) + " in the incident log");
        }
        ArrayNode actions = json.createArrayNode();
        for (LoggedAction a : actionLog.actions(incident.get().id())) {
            ObjectNode action = actions.addObject();
            action.put("row", a.row());
            action.put("action", a.text());
            action.put("owner", a.ownerName());
            action.put("ownerAccountId", a.ownerAccountId());
            action.put("due", a.due() == null ? null : a.due().toString());
            action.put("team", a.team());
            action.put("project", a.project());
            action.put("status", a.status());
            action.put("jiraKey", a.jiraKey());
            action.put("sprint", a.sprintName());
            action.put("refusal", a.refusal());
        }
        ObjectNode answer = json.createObjectNode();
        answer.put("incident", incidentId);
        answer.set("actions", actions);
        return new HttpAnswer(200, answer.toString());
    }

    private HttpAnswer refusal(String authorization, String contentType) {
        HttpAnswer refused = access.refusal(authorization);
        if (refused != null) {
            return refused;
        }
        return io.postmortembridge.incidentlog.WebhookIntake.isJson(contentType) ? null
                : HttpAnswer.error(415, "the body must be JSON, sent with Content-Type: application/json");
    }

    private AgreedPostmortem read(Object body) {
        if (!(body instanceof byte[] bytes)) {
            throw new MalformedPostmortemException("the body must be a JSON object");
        }
        JsonNode root;
        try {
            root = reader.readTree(bytes);
        } catch (IOException e) {
            throw new MalformedPostmortemException("the body is not one JSON document: "
                    + e.getMessage().lines().findFirst().orElse("unreadable"));
        }
        return AgreedPostmortemReader.fromJson(root);
    }

    private List<Finding> findings(AgreedPostmortem postmortem) {
        List<Finding> findings = new ArrayList<>(review.review(postmortem, teams.names(),
                LocalDate.now(clock.withZone(settings.zone()))));
        if (users != null) {
            for (ActionRow row : postmortem.rows()) {
                boolean rowHasErrors = findings.stream()
                        .anyMatch(f -> f.isError() && Integer.valueOf(row.row()).equals(f.row()));
                if (!rowHasErrors && row.owner() instanceof ActionRow.Owner.Written written) {
                    OwnerLookup found;
                    try {
                        found = users.resolve(row.owner());
                    } catch (TransientFailure e) {
                        continue;
                    }
                    found.finding(row.row(), written.text()).ifPresent(findings::add);
                }
            }
        }
        findings.sort(Comparator.comparing((Finding f) -> f.row() == null ? 0 : f.row()));
        return findings;
    }

    private ObjectNode findingsJson(List<Finding> findings) {
        ObjectNode answer = json.createObjectNode();
        answer.put("ok", findings.stream().noneMatch(Finding::isError));
        ArrayNode list = answer.putArray("findings");
        for (Finding f : findings) {
            ObjectNode finding = list.addObject();
            if (f.row() == null) {
                finding.putNull("row");
            } else {
                finding.put("row", f.row());
            }
            finding.put("field", f.field());
            finding.put("rule", f.rule());
            finding.put("severity", f.severity().id());
            finding.put("message", f.message());
        }
        return answer;
    }

    /** {@code <source>-<incident id>}, e.g. pagerduty-Q3B15VLMF3ASBD. */
    private Optional<LoggedIncident> incident(String id) {
        if (id == null) {
            return Optional.empty();
        }
        int dash = id.indexOf('-');
        if (dash <= 0) {
            return Optional.empty();
        }
        Source source;
        try {
            source = Source.fromId(id.substring(0, dash));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return incidentLog.incident(source, id.substring(dash + 1));
    }

    private static String clip(String value) {
        return value.length() <= 80 ? value : value.substring(0, 80) + "…";
    }
}
