package io.postmortembridge.testsupport;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

import org.jdbi.v3.core.Jdbi;

/** The outbox's rows of one task kind, oldest first, as stored: what a test checks of the outbox. */
public final class OutboxRows {

    /** One row, whatever its state. */
    public record Row(long id, String kind, String dedupeKey, String payload, String status, int attempts,
            Instant nextAttemptAt, Instant leaseUntil, String lastError) {
    }

    private OutboxRows() {
    }

    public static List<Row> of(Jdbi database, String kind) {
        return database.withHandle(h -> h.createQuery("""
                        SELECT id, kind, dedupe_key, payload, status, attempts, next_attempt_at, lease_until, last_error
                        FROM outbox WHERE kind = :kind ORDER BY id""")
                .bind("kind", kind)
                .map((rs, ctx) -> new Row(rs.getLong("id"), rs.getString("kind"), rs.getString("dedupe_key"),
                        rs.getString("payload"), rs.getString("status"), rs.getInt("attempts"),
                        instant(rs.getObject("next_attempt_at", OffsetDateTime.class)),
                        instant(rs.getObject("lease_until", OffsetDateTime.class)), rs.getString("last_error")))
                .list());
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
