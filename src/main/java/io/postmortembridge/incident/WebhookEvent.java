package io.postmortembridge.incident;

/**
 * One webhook delivery, read: what it says about an incident, or that it is about something this
 * service does not use. The same for every source, so the incident log takes them all in one way.
 *
 * @param eventId    the source's id of the event, the fallback de-duplication key
 * @param eventType  the source's name for it, e.g. {@code incident.resolved}
 * @param incident   what the event says about the incident; null when unused
 * @param event      the happening, for the timeline; null when unused
 * @param resolution true when this event resolves the incident, which asks for a review
 */
public record WebhookEvent(
        String eventId, String eventType, IncidentSnapshot incident, IncidentEvent event, boolean resolution) {

    public boolean isUsed() {
        return incident != null;
    }

    public static WebhookEvent unused(String eventId, String eventType) {
        return new WebhookEvent(eventId, eventType, null, null, false);
    }
}
