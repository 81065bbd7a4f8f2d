package io.postmortembridge.timeline;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.postmortembridge.incident.Actor;
import io.postmortembridge.incident.EventKind;
import io.postmortembridge.incident.IncidentEvent;
import io.postmortembridge.incident.Origin;

/**
 * An incident's story, oldest first, drawn from whatever the log holds: the webhook stream alone,
 * or the REST log entries, notes and change events, which are the source of truth where both exist.
 */
public final class Timeline {

    /** What the REST log entries also record; the webhook copies of these are dropped once log entries are known. */
    private static final Set<EventKind> LOGGED_KINDS = EnumSet.of(
            EventKind.TRIGGERED, EventKind.ACKNOWLEDGED, EventKind.UNACKNOWLEDGED, EventKind.ESCALATED,
            EventKind.REASSIGNED, EventKind.DELEGATED, EventKind.RESOLVED, EventKind.SNOOZED,
            EventKind.URGENCY_CHANGED);

    /** The key of the trigger row drawn from the incident's start time when no trigger event was received. */
    static final String STARTED_KEY = "incident-started";

    private final List<IncidentEvent> events;
    private final Instant trigger;

    private Timeline(List<IncidentEvent> events, Instant trigger) {
        this.events = events;
        this.trigger = trigger;
    }

    /**
     * @param startedAt    when the incident started, if the source said; the first trigger otherwise
     * @param changeWindow how far before the trigger a change or deploy still belongs to the story
     */
    public static Timeline of(List<IncidentEvent> recorded, Instant startedAt, Duration changeWindow) {
        boolean logEntriesKnown = recorded.stream().anyMatch(e -> e.origin() == Origin.LOG_ENTRY);
        List<IncidentEvent> kept = new ArrayList<>(recorded.stream()
                .filter(e -> !(logEntriesKnown && e.origin() == Origin.WEBHOOK && LOGGED_KINDS.contains(e.kind())))
                .toList());
        if (startedAt != null && kept.stream().noneMatch(e -> e.kind() == EventKind.TRIGGERED)) {
            // the trigger's own delivery may predate the subscription; the incident still says when it began
            kept.add(new IncidentEvent(STARTED_KEY, Origin.WEBHOOK, EventKind.TRIGGERED, startedAt, null, null, null));
        }
        kept.sort(Comparator.comparing(IncidentEvent::occurredAt));
        Instant trigger = startedAt != null ? startedAt : kept.stream()
                .filter(e -> e.kind() == EventKind.TRIGGERED)
                .map(IncidentEvent::occurredAt)
                .findFirst()
                .orElse(null);
        List<IncidentEvent> inWindow = kept.stream()
                .filter(e -> e.kind() != EventKind.CHANGE || isShortlyBefore(e.occurredAt(), trigger, changeWindow))
                .toList();
        return new Timeline(inWindow, trigger);
    }

    private static boolean isShortlyBefore(Instant at, Instant trigger, Duration window) {
        return trigger != null && !at.isAfter(trigger) && !at.isBefore(trigger.minus(window));
    }

    public List<IncidentEvent> events() {
        return events;
    }

    /** When the incident started, or null if nothing says. */
    public Instant trigger() {
        return trigger;
    }

    public long escalations() {
        return events.stream().filter(e -> e.kind() == EventKind.ESCALATED).count();
    }

    /** The gaps between change, trigger, first acknowledgement and resolution. */
    public Gaps gaps(Instant resolvedAt) {
        Optional<IncidentEvent> change = trigger == null ? Optional.empty() : events.stream()
                .filter(e -> e.kind() == EventKind.CHANGE)
                .reduce((first, second) -> second);
        Instant firstAck = trigger == null ? null : events.stream()
                .filter(e -> e.kind() == EventKind.ACKNOWLEDGED && !e.occurredAt().isBefore(trigger))
                .map(IncidentEvent::occurredAt)
                .findFirst()
                .orElse(null);
        return new Gaps(
                change.map(c -> Duration.between(c.occurredAt(), trigger)).orElse(null),
                change.map(IncidentEvent::detail).orElse(null),
                between(trigger, firstAck),
                between(trigger, resolvedAt));
    }

    private static Duration between(Instant from, Instant to) {
        return from == null || to == null || to.isBefore(from) ? null : Duration.between(from, to);
    }

    /**
     * The rows of the draft. People are "on-call responder 1, 2, ..." in order of appearance, so the
     * review talks about what happened rather than who; {@code showNames} uses their names instead.
     */
    public List<TimelineEntry> entries(boolean showNames) {
        Map<String, String> roles = new LinkedHashMap<>();
        Namer namer = actor -> nameOf(actor, roles, showNames);
        List<TimelineEntry> rows = new ArrayList<>();
        for (IncidentEvent e : events) {
            rows.add(new TimelineEntry(e.occurredAt(), describe(e, namer), e.kind().isSignal()));
        }
        return rows;
    }

    @FunctionalInterface
    private interface Namer {
        String name(Actor actor);
    }

    private static String nameOf(Actor actor, Map<String, String> roles, boolean showNames) {
        if (actor == null) {
            return null;
        }
        if (!actor.isPerson()) {
            String name = actor.name() == null ? "an integration" : actor.name();
            return actor.kind() == Actor.Kind.SERVICE ? "service " + name : name;
        }
        if (showNames && actor.name() != null) {
            return actor.name();
        }
        String identity = actor.id() != null ? actor.id() : actor.name();
        if (identity == null) {
            // nothing tells two such people apart: numbering them would invent a fact
            return "a responder";
        }
        return roles.computeIfAbsent(identity, id -> "on-call responder " + (roles.size() + 1));
    }

    private static String describe(IncidentEvent e, Namer namer) {
        String by = namer.name(e.actor());
        String to = namer.name(e.target());
        String detail = e.detail();
        return switch (e.kind()) {
            case TRIGGERED -> "Triggered" + byWhom(by) + colon(detail);
            case ACKNOWLEDGED -> "Acknowledged" + byWhom(by);
            case UNACKNOWLEDGED -> "Unacknowledged" + byWhom(by);
            case ESCALATED -> "Escalated" + (to == null ? "" : " to " + to) + byWhom(by);
            case REASSIGNED -> "Reassigned" + (to == null ? "" : " to " + to) + byWhom(by);
            case DELEGATED -> "Delegated" + (detail == null ? "" : " to escalation policy " + detail) + byWhom(by);
            case PRIORITY_CHANGED -> "Priority set to " + (detail == null ? "none" : detail) + byWhom(by);
            case URGENCY_CHANGED -> "Urgency changed" + byWhom(by);
            case NOTE -> "Note" + byWhom(by) + colon(detail);
            case STATUS_UPDATE -> "Status update published" + byWhom(by) + colon(detail);
            case RESPONDER_REQUESTED -> "Responder requested" + (to == null ? "" : ": " + to) + byWhom(by)
                    + colon(detail);
            case SNOOZED -> "Snoozed" + byWhom(by);
            case RESOLVED -> "Resolved" + byWhom(by);
            case REOPENED -> "Reopened" + byWhom(by);
            case CHANGE -> "Change" + (by == null ? "" : " from " + by) + colon(detail);
            case OTHER -> capitalized(detail == null ? "Other event" : detail) + byWhom(by);
            case NOTIFICATION -> "Notification sent" + (to == null ? "" : " to " + to)
                    + (detail == null ? "" : " by " + detail);
            case ESCALATION_EXHAUSTED -> "Escalation reached nobody: the escalation path was exhausted";
            case ESCALATION_REPEATED -> "Escalation policy started over: nobody acknowledged";
            case LIMIT_REACHED -> "Limit reached" + colon(detail);
        };
    }

    private static String byWhom(String name) {
        return name == null ? "" : " by " + name;
    }

    private static String colon(String detail) {
        return detail == null || detail.isBlank() ? "" : ": " + detail;
    }

    private static String capitalized(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
