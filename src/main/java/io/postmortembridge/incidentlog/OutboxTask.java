package io.postmortembridge.incidentlog;

/**
 * A claimed outbox task.
 *
 * @param kind    which route handles it (the route is {@code direct:<kind>})
 * @param payload what the route needs, usually an id in the incident log
 * @param attempt 1 for the first try
 */
public record OutboxTask(long id, String kind, String payload, int attempt) {
}
