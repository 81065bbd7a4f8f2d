package io.postmortembridge.incidentlog;

/**
 * Work waiting in a queue of the incident log (the inbox, the outbox), and work stopped on an error
 * someone has to fix: the two numbers to alert on.
 */
public record Backlog(long pending, long stopped) {
}
