package io.postmortembridge.incident.pagerduty;

import static io.postmortembridge.incident.pagerduty.PagerDutyJson.actor;
import static io.postmortembridge.incident.pagerduty.PagerDutyJson.instant;
import static io.postmortembridge.incident.pagerduty.PagerDutyJson.summaryOf;
import static io.postmortembridge.incident.pagerduty.PagerDutyJson.text;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import io.postmortembridge.incident.Actor;
import io.postmortembridge.incident.EventKind;
import io.postmortembridge.incident.IncidentEvent;
import io.postmortembridge.incident.IncidentSnapshot;
import io.postmortembridge.incident.IncidentStatus;
import io.postmortembridge.incident.Origin;
import io.postmortembridge.incident.Source;

/** Reads what the PagerDuty REST API returns (incident, log entries, notes, change events) into incident facts. */
final class PagerDutyRecords {

    private PagerDutyRecords() {
    }

    /** {@code GET /incidents/{id}} → the incident, keyed by the id we asked for. */
    static IncidentSnapshot incident(String externalId, JsonNode incident) {
        JsonNode number = incident.get("incident_number");
        return new IncidentSnapshot(
                Source.PAGERDUTY,
                externalId,
                number != null && number.canConvertToLong() ? number.asLong() : null,
                text(incident, "title"),
                text(incident.get("service"), "id"),
                summaryOf(incident, "service"),
                summaryOf(incident, "priority"),
                text(incident, "urgency"),
                IncidentStatus.parse(text(incident, "status")),
                text(incident, "html_url"),
                instant(incident, "created_at"),
                instant(incident, "resolved_at"));
    }

    /**
     * One log entry as a timeline event. Annotations are skipped: the notes endpoint carries the same
     * notes with their text, keyed so that webhook and REST copies merge.
     */
    static Optional<IncidentEvent> logEntry(JsonNode entry) {
        String id = text(entry, "id");
        Instant at = instant(entry, "created_at");
        String type = text(entry, "type");
        if (id == null || at == null || type == null) {
            return Optional.empty();
        }
        type = type.replace("_reference", "");
        Actor agent = actor(entry.get("agent"));
        Actor assignee = firstOf(entry.get("assignees"));
        String key = "log:" + id;
        IncidentEvent event = switch (type) {
            case "trigger_log_entry" -> event(key, EventKind.TRIGGERED, at, agent, null, triggerDetail(entry));
            case "acknowledge_log_entry" -> event(key, EventKind.ACKNOWLEDGED, at, agent, null, null);
            case "unacknowledge_log_entry" -> event(key, EventKind.UNACKNOWLEDGED, at, agent, null, null);
            case "resolve_log_entry" -> event(key, EventKind.RESOLVED, at, agent, null, null);
            case "assign_log_entry" -> event(key, EventKind.REASSIGNED, at, agent, assignee, null);
            case "escalate_log_entry" -> event(key, EventKind.ESCALATED, at, agent, assignee, null);
            case "delegate_log_entry" -> event(key, EventKind.DELEGATED, at, agent, assignee, null);
            case "snooze_log_entry" -> event(key, EventKind.SNOOZED, at, agent, null, null);
            case "urgency_change_log_entry" -> event(key, EventKind.URGENCY_CHANGED, at, agent, null, null);
            case "notify_log_entry" ->
                    event(key, EventKind.NOTIFICATION, at, agent, actor(entry.get("user")), notificationChannel(entry));
            case "exhaust_escalation_path_log_entry" -> event(key, EventKind.ESCALATION_EXHAUSTED, at, agent, null, null);
            case "repeat_escalation_path_log_entry" -> event(key, EventKind.ESCALATION_REPEATED, at, agent, null, null);
            case "reach_ack_limit_log_entry" ->
                    event(key, EventKind.LIMIT_REACHED, at, agent, null, "acknowledgement limit");
            case "reach_trigger_limit_log_entry" ->
                    event(key, EventKind.LIMIT_REACHED, at, agent, null, "trigger limit");
            case "annotate_log_entry" -> null;
            default -> event(key, EventKind.OTHER, at, agent, null,
                    type.replace("_log_entry", "").replace('_', ' '));
        };
        return Optional.ofNullable(event);
    }

    /** A note from {@code GET /incidents/{id}/notes}. */
    static Optional<IncidentEvent> note(JsonNode note) {
        String id = text(note, "id");
        Instant at = instant(note, "created_at");
        if (id == null || at == null) {
            return Optional.empty();
        }
        return Optional.of(new IncidentEvent(PagerDutyJson.noteKey(id), Origin.NOTE, EventKind.NOTE, at,
                actor(note.get("user")), null, text(note, "content")));
    }

    /** A change event from {@code GET /incidents/{id}/related_change_events}. */
    static Optional<IncidentEvent> changeEvent(JsonNode change) {
        String id = text(change, "id");
        Instant at = instant(change, "timestamp");
        if (id == null || at == null) {
            return Optional.empty();
        }
        String source = text(change, "source");
        Actor by = source == null ? null : new Actor(Actor.Kind.SYSTEM, null, source);
        return Optional.of(new IncidentEvent("change:" + id, Origin.CHANGE_EVENT, EventKind.CHANGE, at, by, null,
                text(change, "summary")));
    }

    private static IncidentEvent event(String key, EventKind kind, Instant at, Actor actor, Actor target, String detail) {
        return new IncidentEvent(key, Origin.LOG_ENTRY, kind, at, actor, target, detail);
    }

    private static String triggerDetail(JsonNode entry) {
        String description = text(entry.get("event_details"), "description");
        String channel = text(entry.get("channel"), "type");
        if (description != null) {
            return description;
        }
        return channel == null ? null : "via " + channel;
    }

    /** "sms", "phone", "email", "push" when PagerDuty says; the channel type otherwise. */
    private static String notificationChannel(JsonNode entry) {
        JsonNode channel = entry.get("channel");
        String type = text(channel == null ? null : channel.get("notification"), "type");
        if (type == null) {
            type = text(channel, "type");
        }
        return type == null ? null : type.replace("_notification", "").toLowerCase(Locale.ROOT);
    }

    private static Actor firstOf(JsonNode references) {
        return references != null && references.isArray() && !references.isEmpty() ? actor(references.get(0)) : null;
    }
}
