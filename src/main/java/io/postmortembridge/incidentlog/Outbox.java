package io.postmortembridge.incidentlog;

import static io.postmortembridge.incidentlog.IncidentLog.storable;
import static io.postmortembridge.incidentlog.IncidentLog.instant;
import static io.postmortembridge.incidentlog.IncidentLog.ts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Side effects waiting to happen. Each is stored in the same transaction as the change that calls
 * for it, sent after, retried with exponential backoff (never sooner than the other side asked),
 * and leased while it runs so that replicas sharing the database do not send it twice.
 */
public final class Outbox {

    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

    private final Jdbi jdbi;
    private final Clock clock;
    private final OutboxSettings settings;

    public Outbox(Jdbi jdbi, Clock clock, OutboxSettings settings) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.settings = settings;
    }

    /** Adds a task inside the caller's transaction; a task with the same key is added once. */
    void enqueue(Handle h, String kind, String dedupeKey, String payload) {
        Instant now = clock.instant();
        h.createUpdate("""
                        INSERT INTO outbox (kind, dedupe_key, payload, status, attempts, next_attempt_at,
                            created_at, updated_at)
                        SELECT :kind, :key, :payload, 'pending', 0, :now, :now, :now
                        WHERE NOT EXISTS (SELECT 1 FROM outbox WHERE dedupe_key = :key)""")
                .bind("kind", kind).bind("key", storable(dedupeKey, 255)).bind("payload", payload)
                .bind("now", ts(now))
                .execute();
    }

    /**
     * Takes the tasks that are due and not leased by anyone, oldest first, and leases them. Rows
     * another replica is claiming are skipped, not waited for; a task whose runner died is taken
     * again once its lease has run out.
     */
    public List<OutboxTask> claimDue() {
        Instant now = clock.instant();
        Instant leaseUntil = now.plus(settings.lease());
        return jdbi.inTransaction(h -> {
            List<OutboxTask> due = h.createQuery("""
                            SELECT id, kind, payload, attempts FROM outbox
                            WHERE status = 'pending' AND next_attempt_at <= :now
                              AND (lease_until IS NULL OR lease_until < :now)
                            ORDER BY next_attempt_at, id
                            FETCH FIRST :batch ROWS ONLY
                            FOR UPDATE SKIP LOCKED""")
                    .bind("now", ts(now)).bind("batch", settings.batchSize())
                    .map((rs, ctx) -> new OutboxTask(rs.getLong("id"), rs.getString("kind"), rs.getString("payload"),
                            rs.getInt("attempts") + 1))
                    .list();
            for (OutboxTask task : due) {
                h.createUpdate("UPDATE outbox SET lease_until = :until, attempts = attempts + 1, updated_at = :now "
                                + "WHERE id = :id")
                        .bind("until", ts(leaseUntil)).bind("now", ts(now)).bind("id", task.id())
                        .execute();
            }
            return due;
        });
    }

    public void completed(OutboxTask task) {
        jdbi.useHandle(h -> h.createUpdate("""
                        UPDATE outbox SET status = 'done', lease_until = NULL, last_error = NULL, updated_at = :now
                        WHERE id = :id""")
                .bind("now", ts(clock.instant())).bind("id", task.id())
                .execute());
    }

    /**
     * Decides what a failure means: a {@link PermanentFailure} parks the task until someone fixes
     * the cause; anything else is tried again later, since losing the work is never the answer.
     */
    public void failed(OutboxTask task, Throwable failure) {
        if (failure instanceof PermanentFailure) {
            LOG.error("{} #{} stopped, it needs a fix: {}", task.kind(), task.payload(), failure.getMessage());
            park(task, failure.getMessage());
            return;
        }
        Duration asked = failure instanceof TransientFailure t ? t.retryAfter() : null;
        Duration wait = retryDelay(task.attempt(), asked);
        if (failure instanceof TransientFailure) {
            LOG.warn("{} #{} attempt {} failed, next try in {} s: {}", task.kind(), task.payload(), task.attempt(),
                    wait.toSeconds(), failure.getMessage());
        } else {
            LOG.error("{} #{} attempt {} failed unexpectedly, next try in {} s", task.kind(), task.payload(),
                    task.attempt(), wait.toSeconds(), failure);
        }
        Instant now = clock.instant();
        jdbi.useHandle(h -> h.createUpdate("""
                        UPDATE outbox SET lease_until = NULL, next_attempt_at = :next, last_error = :error,
                            updated_at = :now WHERE id = :id""")
                .bind("next", ts(now.plus(wait))).bind("error", storable(describe(failure), 4000))
                .bind("now", ts(now)).bind("id", task.id())
                .execute());
    }

    /**
     * Exponential backoff from the first retry, capped; what the other side asked for wins when it
     * is longer, even beyond the cap, because coming back sooner only earns another refusal.
     */
    Duration retryDelay(int attempt, Duration asked) {
        Duration backoff = settings.initialBackoff().multipliedBy(1L << Math.min(attempt - 1, 20));
        if (backoff.compareTo(settings.maxBackoff()) > 0) {
            backoff = settings.maxBackoff();
        }
        return asked != null && asked.compareTo(backoff) > 0 ? asked : backoff;
    }

    /**
     * Gives parked tasks one more try. Called at start: the supported way to apply a fix is to
     * change the configuration and restart.
     */
    public int retryParked() {
        return jdbi.withHandle(h -> h.createUpdate("""
                        UPDATE outbox SET status = 'pending', next_attempt_at = :now, updated_at = :now
                        WHERE status = 'failed'""")
                .bind("now", ts(clock.instant()))
                .execute());
    }

    /** Tasks waiting to run and tasks parked on an error, for metrics and health. */
    public OutboxCounts counts() {
        return jdbi.withHandle(h -> new OutboxCounts(
                h.createQuery("SELECT COUNT(*) FROM outbox WHERE status = 'pending'").mapTo(Long.class).one(),
                h.createQuery("SELECT COUNT(*) FROM outbox WHERE status = 'failed'").mapTo(Long.class).one()));
    }

    /** The state of one task, for tests and diagnostics. */
    public List<OutboxEntry> entries(String kind) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT id, kind, dedupe_key, payload, status, attempts, next_attempt_at, last_error
                        FROM outbox WHERE kind = :kind ORDER BY id""")
                .bind("kind", kind)
                .map((rs, ctx) -> new OutboxEntry(rs.getLong("id"), rs.getString("kind"), rs.getString("dedupe_key"),
                        rs.getString("payload"), rs.getString("status"), rs.getInt("attempts"),
                        instant(rs, "next_attempt_at"), rs.getString("last_error")))
                .list());
    }

    private void park(OutboxTask task, String error) {
        jdbi.useHandle(h -> h.createUpdate("""
                        UPDATE outbox SET status = 'failed', lease_until = NULL, last_error = :error, updated_at = :now
                        WHERE id = :id""")
                .bind("error", storable(error, 4000)).bind("now", ts(clock.instant())).bind("id", task.id())
                .execute());
    }

    private static String describe(Throwable failure) {
        String message = failure.getMessage();
        if (failure instanceof TransientFailure || failure instanceof PermanentFailure) {
            return message;
        }
        return failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
