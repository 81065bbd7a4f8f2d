package io.postmortembridge.incident.pagerduty;

import io.postmortembridge.incident.IncidentEvent;
import io.postmortembridge.incident.IncidentSnapshot;

/**
 * A V3 webhook, read: either about an incident, or something this service does not use.
 *
 * @param eventId    PagerDuty's id of the event, the fallback de-duplication key
 * @param resolution true when this event resolves the incident
 */
public record PagerDutyWebhookEvent(
        String eventId, String eventType, IncidentSnapshot incident, IncidentEvent event, boolean resolution) {

    public boolean isUsed() {
        return incident != null;
    }

    static PagerDutyWebhookEvent unused(String eventId, String eventType) {
        return new PagerDutyWebhookEvent(eventId, eventType, null, null, false);
    }
}
