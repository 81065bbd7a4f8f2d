package io.postmortembridge.incident;

import java.time.Instant;

/**
 * One happening in an incident's life.
 *
 * @param key    unique within the incident; the same happening seen twice (a redelivered webhook, a
 *               note seen by webhook and by the REST API) has the same key
 * @param actor  who did it, if known
 * @param target to whom it was done (the person paged, the new assignee), if any
 * @param detail the words that belong to it: a note's text, the new priority, a change's summary
 */
public record IncidentEvent(
        String key, Origin origin, EventKind kind, Instant occurredAt, Actor actor, Actor target, String detail) {

    public IncidentEvent {
        if (key == null || origin == null || kind == null || occurredAt == null) {
            throw new IllegalArgumentException("an event needs a key, an origin, a kind and a time");
        }
    }
}
