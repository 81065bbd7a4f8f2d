package io.postmortembridge.incidentlog;

import static io.postmortembridge.incidentlog.IncidentLog.ts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the incident log from growing forever: webhook deliveries already read, and outbox tasks
 * already done, are deleted once older than the retention. Incidents, their timelines and
 * post-mortems are kept; so is work still pending or stopped on an error.
 */
public final class Retention {

    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
    /** Rows deleted per statement, so no delete holds its locks for long. */
    private static final int CHUNK = 1000;

    private final Jdbi jdbi;
    private final Clock clock;
    private final Duration retention;

    public Retention(Jdbi jdbi, Clock clock, Duration retention) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.retention = retention;
    }

    /** Deletes what is past the retention; safe to run on several replicas at once. */
    public void deleteExpired() {
        Instant cutoff = clock.instant().minus(retention);
        // a delivery redelivered after its row is gone is taken in again: reading it is idempotent, and
        // senders stop retrying after hours (PagerDuty: 48), not weeks
        long deliveries = delete("inbox", "status IN ('done', 'failed') AND received_at < :cutoff", cutoff);
        long tasks = delete("outbox", "status = 'done' AND updated_at < :cutoff", cutoff);
        if (deliveries + tasks > 0) {
            LOG.info("Incident log retention ({}): deleted {} webhook deliveries and {} finished outbox tasks older "
                    + "than {}", retention, deliveries, tasks, cutoff);
        }
    }

    private long delete(String table, String expired, Instant cutoff) {
        long deleted = 0;
        int chunk;
        do {
            chunk = jdbi.withHandle(h -> h.createUpdate("DELETE FROM " + table + " WHERE id IN (SELECT id FROM " + table
                            + " WHERE " + expired + " FETCH FIRST " + CHUNK + " ROWS ONLY)")
                    .bind("cutoff", ts(cutoff))
                    .execute());
            deleted += chunk;
        } while (chunk == CHUNK);
        return deleted;
    }
}
