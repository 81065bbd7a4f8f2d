package io.postmortembridge.incident.pagerduty;

import java.time.Instant;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import io.postmortembridge.incident.Actor;
import io.postmortembridge.incident.Instants;

/** Reading the pieces PagerDuty's webhooks and REST API share: references, times, ids. */
final class PagerDutyJson {

    /** PagerDuty ids are short alphanumerics; anything else is refused before it reaches a URL or a label. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9]{1,64}");

    private PagerDutyJson() {
    }

    static boolean isId(String value) {
        return value != null && ID.matcher(value).matches();
    }

    /** A note reaches us by webhook ({@code incident.annotated}) and by REST; one key merges the two copies. */
    static String noteKey(String noteId) {
        return "note:" + noteId;
    }

    /** A user/service/integration reference as an actor; null when absent. */
    static Actor actor(JsonNode ref) {
        if (ref == null || !ref.isObject()) {
            return null;
        }
        String type = text(ref, "type");
        Actor.Kind kind;
        if (type == null) {
            kind = Actor.Kind.SYSTEM;
        } else if (type.startsWith("user")) {
            kind = Actor.Kind.PERSON;
        } else if (type.startsWith("service")) {
            kind = Actor.Kind.SERVICE;
        } else {
            kind = Actor.Kind.SYSTEM;
        }
        return new Actor(kind, text(ref, "id"), text(ref, "summary"));
    }

    /** ISO-8601 with offset, as PagerDuty writes them; null when absent, unreadable or out of range. */
    static Instant instant(JsonNode node, String field) {
        return Instants.parse(text(node, field));
    }

    /** A non-blank text field, or null. */
    static String text(JsonNode node, String field) {
        if (node == null) {
            return null;
        }
        JsonNode value = node.get(field);
        if (value == null || !value.isValueNode() || value.isNull()) {
            return null;
        }
        String text = value.asText();
        return text.isBlank() ? null : text;
    }

    /** The summary of a nested reference, e.g. {@code priority.summary}; null when absent. */
    static String summaryOf(JsonNode node, String field) {
        return node == null ? null : text(node.get(field), "summary");
    }
}
