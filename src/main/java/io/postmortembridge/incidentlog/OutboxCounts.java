package io.postmortembridge.incidentlog;

/** How much work is waiting, and how much is parked on an error someone has to fix. */
public record OutboxCounts(long pending, long parked) {
}
