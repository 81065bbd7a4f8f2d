package io.postmortembridge.incidentlog;

import java.time.Instant;

/** An outbox row as stored, whatever its state. */
public record OutboxEntry(
        long id, String kind, String dedupeKey, String payload, String status, int attempts, Instant nextAttemptAt,
        Instant leaseUntil, String lastError) {
}
