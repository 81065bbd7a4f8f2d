package io.postmortembridge.incident.pagerduty;

import static io.postmortembridge.incident.pagerduty.PagerDutyJson.actor;
import static io.postmortembridge.incident.pagerduty.PagerDutyJson.instant;
import static io.postmortembridge.incident.pagerduty.PagerDutyJson.summaryOf;
import static io.postmortembridge.incident.pagerduty.PagerDutyJson.text;

import java.io.IOException;
import java.time.Instant;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

import io.postmortembridge.incident.Actor;
import io.postmortembridge.incident.EventKind;
import io.postmortembridge.incident.IncidentEvent;
import io.postmortembridge.incident.IncidentSnapshot;
import io.postmortembridge.incident.IncidentStatus;
import io.postmortembridge.incident.Instants;
import io.postmortembridge.incident.MalformedInputException;
import io.postmortembridge.incident.Origin;
import io.postmortembridge.incident.Source;
import io.postmortembridge.incident.WebhookEvent;
import io.postmortembridge.incident.WebhookReader;

/**
 * Reads PagerDuty V3 webhook bodies into incident facts. Every {@code incident.*} event is kept, so
 * a timeline can be drawn from the webhook stream alone; other resources are reported as unused.
 */
public final class PagerDutyWebhookParser implements WebhookReader {

    /** One JSON document and nothing after it: a second document or trailing bytes mean a broken sender. */
    private final ObjectReader json;

    public PagerDutyWebhookParser(ObjectMapper json) {
        this.json = json.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    @Override
    public Source source() {
        return Source.PAGERDUTY;
    }

    @Override
    public WebhookEvent read(byte[] body) {
        JsonNode root = readJson(body);
        JsonNode event = root.get("event");
        if (event == null || !event.isObject()) {
            if (root.has("messages")) {
                throw new MalformedInputException("this is a PagerDuty V2 (legacy) webhook; only V3 webhook "
                        + "subscriptions are supported: create a V3 subscription pointing at /webhooks/pagerduty");
            }
            throw new MalformedInputException("not a PagerDuty V3 webhook: expected a JSON object with an 'event' object");
        }
        String eventId = required(event, "id");
        String eventType = required(event, "event_type");
        if (!eventType.startsWith("incident.")) {
            return WebhookEvent.unused(eventId, eventType);
        }
        Instant occurredAt = instant(event, "occurred_at");
        if (occurredAt == null) {
            throw new MalformedInputException("event.occurred_at is missing or not an ISO-8601 time "
                    + Instants.RANGE);
        }
        JsonNode data = event.get("data");
        if (data == null || !data.isObject()) {
            throw new MalformedInputException("event.data is missing");
        }
        IncidentSnapshot incident = incidentOf(data);
        if (incident == null) {
            // e.g. incident.role.assigned carries no incident at the top of its data
            return WebhookEvent.unused(eventId, eventType);
        }
        IncidentEvent happening = eventOf(eventId, eventType, occurredAt, actor(event.get("agent")), data);
        boolean resolution = "incident.resolved".equals(eventType);
        if (resolution) {
            incident = withResolution(incident, occurredAt);
        }
        return new WebhookEvent(eventId, eventType, incident, happening, resolution);
    }

    private JsonNode readJson(byte[] body) {
        if (body == null || body.length == 0) {
            throw new MalformedInputException("the request body is empty");
        }
        try {
            JsonNode root = json.readTree(body);
            if (root == null || !root.isObject()) {
                throw new MalformedInputException("the body must be a JSON object");
            }
            return root;
        } catch (JsonProcessingException e) {
            if (e.getOriginalMessage().startsWith("Trailing token")) {
                throw new MalformedInputException("the body must be one JSON object and nothing after it");
            }
            throw new MalformedInputException("the body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new MalformedInputException("the body could not be read as JSON");
        }
    }

    private static String required(JsonNode event, String field) {
        String value = text(event, field);
        if (value == null) {
            throw new MalformedInputException("event." + field + " is missing");
        }
        return value;
    }

    /** The incident itself for {@code data.type == incident}; its reference for notes, updates and the like. */
    private static IncidentSnapshot incidentOf(JsonNode data) {
        if ("incident".equals(text(data, "type"))) {
            String id = checkedId(text(data, "id"), "event.data.id");
            JsonNode number = data.get("number");
            return new IncidentSnapshot(
                    Source.PAGERDUTY,
                    id,
                    number != null && number.canConvertToLong() ? number.asLong() : null,
                    text(data, "title"),
                    text(data.get("service"), "id"),
                    summaryOf(data, "service"),
                    summaryOf(data, "priority"),
                    text(data, "urgency"),
                    IncidentStatus.parse(text(data, "status")),
                    text(data, "html_url"),
                    instant(data, "created_at"),
                    null);
        }
        JsonNode ref = data.get("incident");
        if (ref == null || !ref.isObject()) {
            return null;
        }
        String id = checkedId(text(ref, "id"), "event.data.incident.id");
        return IncidentSnapshot.reference(Source.PAGERDUTY, id, text(ref, "summary"), text(ref, "html_url"));
    }

    private static String checkedId(String id, String field) {
        if (id == null) {
            throw new MalformedInputException(field + " is missing");
        }
        if (!PagerDutyJson.isId(id)) {
            throw new MalformedInputException(field + " is not a PagerDuty id (letters and digits only)");
        }
        return id;
    }

    private static IncidentSnapshot withResolution(IncidentSnapshot s, Instant resolvedAt) {
        return new IncidentSnapshot(s.source(), s.externalId(), s.number(), s.title(), s.serviceId(), s.serviceName(),
                s.priority(), s.urgency(), IncidentStatus.RESOLVED, s.htmlUrl(), s.startedAt(), resolvedAt);
    }

    private static IncidentEvent eventOf(String eventId, String eventType, Instant at, Actor agent, JsonNode data) {
        String key = "event:" + eventId;
        Actor assignee = firstAssignee(data);
        return switch (eventType) {
            case "incident.triggered" -> event(key, EventKind.TRIGGERED, at, agent, assignee, null);
            case "incident.acknowledged" -> event(key, EventKind.ACKNOWLEDGED, at, agent, null, null);
            case "incident.unacknowledged" -> event(key, EventKind.UNACKNOWLEDGED, at, agent, null, null);
            case "incident.escalated" -> event(key, EventKind.ESCALATED, at, agent, assignee, null);
            case "incident.reassigned" -> event(key, EventKind.REASSIGNED, at, agent, assignee, null);
            case "incident.delegated" ->
                    event(key, EventKind.DELEGATED, at, agent, assignee, summaryOf(data, "escalation_policy"));
            case "incident.priority_updated" -> event(key, EventKind.PRIORITY_CHANGED, at, agent, null,
                    summaryOrNone(summaryOf(data, "priority")));
            case "incident.resolved" -> event(key, EventKind.RESOLVED, at, agent, null, null);
            case "incident.reopened" -> event(key, EventKind.REOPENED, at, agent, null, null);
            // the same note reaches us by webhook and by the REST API: both are keyed by the note's id
            case "incident.annotated" -> event(noteKeyOf(data), EventKind.NOTE, at, agent, null, text(data, "content"));
            case "incident.status_update_published" ->
                    event(key, EventKind.STATUS_UPDATE, at, agent, null, text(data, "message"));
            case "incident.responder.added" ->
                    event(key, EventKind.RESPONDER_REQUESTED, at, agent, actor(data.get("user")), text(data, "message"));
            default -> event(key, EventKind.OTHER, at, agent, null, eventType.substring("incident.".length()));
        };
    }

    private static IncidentEvent event(String key, EventKind kind, Instant at, Actor actor, Actor target, String detail) {
        return new IncidentEvent(key, Origin.WEBHOOK, kind, at, actor, target, detail);
    }

    private static String noteKeyOf(JsonNode data) {
        String noteId = text(data, "id");
        if (noteId == null) {
            throw new MalformedInputException("event.data.id (the note id) is missing");
        }
        return PagerDutyJson.noteKey(noteId);
    }

    private static Actor firstAssignee(JsonNode data) {
        JsonNode assignees = data.get("assignees");
        return assignees != null && assignees.isArray() && !assignees.isEmpty() ? actor(assignees.get(0)) : null;
    }

    private static String summaryOrNone(String priority) {
        return priority == null ? "none" : priority;
    }
}
