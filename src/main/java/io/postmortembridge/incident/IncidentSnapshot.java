package io.postmortembridge.incident;

import java.time.Instant;

/**
 * What a source says about an incident at one moment. Null means "not said here", never "cleared":
 * a webhook about a note carries only the incident's id and title, the REST API carries everything.
 */
public record IncidentSnapshot(
        Source source,
        String externalId,
        Long number,
        String title,
        String serviceId,
        String serviceName,
        String priority,
        String urgency,
        IncidentStatus status,
        String htmlUrl,
        Instant startedAt,
        Instant resolvedAt) {

    public IncidentSnapshot {
        if (source == null || externalId == null || externalId.isBlank()) {
            throw new IllegalArgumentException("an incident needs a source and an id");
        }
    }

    /** How logs and messages refer to the incident, e.g. "PagerDuty incident PCPZE64". */
    public String name() {
        return source.displayName() + " incident " + externalId;
    }

    public static IncidentSnapshot reference(Source source, String externalId, String title, String htmlUrl) {
        return new IncidentSnapshot(source, externalId, null, title, null, null, null, null, null, htmlUrl, null, null);
    }
}
