package io.postmortembridge.incidentlog;

import static io.postmortembridge.incidentlog.IncidentLog.instant;
import static io.postmortembridge.incidentlog.IncidentLog.storable;
import static io.postmortembridge.incidentlog.IncidentLog.ts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.postmortembridge.failure.PermanentFailure;
import io.postmortembridge.failure.TransientFailure;
import io.postmortembridge.logging.OncePer;

/**
 * Side effects waiting to happen. Each is stored in the same transaction as the change that calls
 * for it, sent after, retried with exponential backoff (never sooner than the other side asked),
 * and leased while it runs so that replicas sharing the database do not send it twice. A lease is
 * short and renewed while its task runs, so work held by a replica that died is taken over soon.
 */
public final class Outbox {

    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

    private final Database database;
    private final Jdbi jdbi;
    private final Clock clock;
    private final OutboxSettings settings;
    /** This replica, as lease holder. */
    private final String owner = UUID.randomUUID().toString();
    /** Tasks this replica has claimed and not yet finished: their leases are renewed. */
    private final Set<Long> held = ConcurrentHashMap.newKeySet();
    /** Outcomes the database was not there to record; recorded before anything new is claimed. */
    private final Map<Long, Outcome> unrecorded = new ConcurrentHashMap<>();
    private final Runnable wake;
    private final OncePer unreachable;

    /** @param wake starts a claim soon, on the thread that runs the tasks */
    public Outbox(Database database, Clock clock, OutboxSettings settings, Runnable wake) {
        this.database = database;
        this.wake = wake;
        this.jdbi = database.jdbi();
        this.clock = clock;
        this.settings = settings;
        this.unreachable = new OncePer(Duration.ofMinutes(1), clock);
    }

    /** New work was stored: start it now rather than at the next poll. */
    public void wake() {
        wake.run();
    }

    /**
     * Adds a task inside the caller's transaction, due now; a task with the same key is added once.
     *
     * @return 1 when added, 0 when a task with that key was there already
     */
    int enqueue(Handle h, String kind, String dedupeKey, String payload) {
        return enqueue(h, kind, dedupeKey, payload, clock.instant());
    }

    /** Adds a task inside the caller's transaction, due at a time; a task with the same key is added once. */
    int enqueue(Handle h, String kind, String dedupeKey, String payload, Instant due) {
        return h.createUpdate("""
                        INSERT INTO outbox (kind, dedupe_key, payload, status, attempts, next_attempt_at,
                            created_at, updated_at)
                        SELECT :kind, :key, :payload, 'pending', 0, :due, :now, :now
                        WHERE NOT EXISTS (SELECT 1 FROM outbox WHERE dedupe_key = :key)""")
                .bind("kind", kind).bind("key", storable(dedupeKey, 255)).bind("payload", payload)
                .bind("due", ts(due)).bind("now", ts(clock.instant()))
                .execute();
    }

    /**
     * Takes the tasks that are due and not leased by anyone, oldest first, and leases them. Rows
     * another replica is claiming are skipped, not waited for; a task whose runner died is taken
     * again once its lease has run out. Never throws: without a database there is nothing to take.
     */
    public List<OutboxTask> claimDue() {
        if (!database.isMigrated()) {
            return List.of();
        }
        try {
            recordLeftovers();
            Instant now = clock.instant();
            List<OutboxTask> due = jdbi.inTransaction(h -> {
                List<OutboxTask> tasks = h.createQuery("""
                                SELECT id, kind, payload, attempts FROM outbox
                                WHERE status = 'pending' AND next_attempt_at <= :now
                                  AND (lease_until IS NULL OR lease_until < :now)
                                ORDER BY next_attempt_at, id
                                FETCH FIRST :batch ROWS ONLY
                                """ + database.claimLocking())
                        .bind("now", ts(now)).bind("batch", settings.batchSize())
                        .map((rs, ctx) -> new OutboxTask(rs.getLong("id"), rs.getString("kind"),
                                rs.getString("payload"), rs.getInt("attempts") + 1))
                        .list();
                if (!tasks.isEmpty()) {
                    PreparedBatch lease = h.prepareBatch("""
                            UPDATE outbox SET lease_until = :until, lease_owner = :owner, attempts = attempts + 1,
                                updated_at = :now
                            WHERE id = :id""");
                    for (OutboxTask task : tasks) {
                        lease.bind("until", ts(now.plus(settings.lease()))).bind("owner", owner).bind("now", ts(now))
                                .bind("id", task.id()).add();
                    }
                    lease.execute();
                }
                return tasks;
            });
            due.forEach(task -> held.add(task.id()));
            return due;
        } catch (RuntimeException e) {
            if (!Database.isConnectionProblem(e)) {
                throw e;
            }
            long quiet = unreachable.tryAcquire();
            if (quiet >= 0) {
                LOG.warn("Pending work waits: the incident log database cannot be reached ({})", Database.describe(e));
            }
            return List.of();
        }
    }

    public void completed(OutboxTask task) {
        record(task, Outcome.done());
        LOG.debug("{} #{} done", task.kind(), task.payload());
    }

    /**
     * Decides what a failure means: a {@link PermanentFailure} parks the task until someone fixes
     * the cause; anything else is tried again later, since losing the work is never the answer.
     */
    public void failed(OutboxTask task, Throwable failure) {
        if (failure instanceof PermanentFailure) {
            if (record(task, Outcome.parked(failure.getMessage()))) {
                LOG.error("{} #{} stopped, it needs a fix: {}", task.kind(), task.payload(), failure.getMessage());
            }
            return;
        }
        boolean expected = failure instanceof TransientFailure || Database.isConnectionProblem(failure);
        Duration wait = retryDelay(task.attempt(), failure instanceof TransientFailure t ? t.retryAfter() : null);
        String reason = describe(failure);
        if (!record(task, Outcome.retry(clock.instant().plus(wait), reason))) {
            return;
        }
        if (expected) {
            LOG.warn("{} #{} attempt {} failed, next try in {}: {}", task.kind(), task.payload(), task.attempt(),
                    inWords(wait), reason);
        } else if (Database.isStatementError(failure)) {
            // a driver's message and stack hold the statement's values: the state says enough
            LOG.error("{} #{} attempt {} failed on the incident log, next try in {}: {}", task.kind(),
                    task.payload(), task.attempt(), inWords(wait), reason);
        } else {
            LOG.error("{} #{} attempt {} failed unexpectedly, next try in {}", task.kind(), task.payload(),
                    task.attempt(), inWords(wait), failure);
        }
    }

    /**
     * A task of a kind no route takes (its route file is missing, or was renamed): a fault of the
     * installation, not of the moment, so it is parked, not retried.
     */
    public void unroutable(OutboxTask task) {
        String reason = "no route takes '" + task.kind() + "' tasks (direct:" + task.kind() + "): a file under routes/ "
                + "is missing or its route was renamed. Put it back and restart; the task is tried again at start";
        if (record(task, Outcome.parked(reason))) {
            LOG.error("{} #{} stopped, it needs a fix: {}", task.kind(), task.payload(), reason);
        }
    }

    /**
     * Extends the leases of the tasks this replica holds, so a task that runs long (a slow vendor, a
     * long paging) is not taken over while it runs. Called every third of the lease.
     */
    public void renewLeases() {
        if (held.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        try {
            jdbi.useHandle(h -> h.createUpdate("""
                            UPDATE outbox SET lease_until = :until
                            WHERE id IN (<ids>) AND lease_owner = :owner AND status = 'pending'""")
                    .bind("until", ts(now.plus(settings.lease()))).bind("owner", owner)
                    .bindList("ids", List.copyOf(held))
                    .execute());
        } catch (RuntimeException e) {
            // the lease runs out and another replica may take the task: it is made to be safe to repeat
            LOG.debug("Could not renew the leases of {} task(s): {}", held.size(), Database.describe(e));
        }
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

    /** Tasks waiting to run, and tasks parked on an error: one query. */
    public Backlog backlog() {
        return IncidentLog.backlog(jdbi, "outbox");
    }

    /**
     * Stores a task's outcome and gives up its lease. When the database is not there, the outcome is
     * kept here and stored before the next claim, so the task neither waits out its lease nor runs
     * again for nothing.
     *
     * @return true if stored now
     */
    private boolean record(OutboxTask task, Outcome outcome) {
        try {
            store(task.id(), outcome);
            return true;
        } catch (RuntimeException e) {
            unrecorded.put(task.id(), outcome);
            LOG.warn("{} #{} attempt {} ended ({}), but the incident log database could not record it ({}): "
                            + "recorded once it is back", task.kind(), task.payload(), task.attempt(),
                    outcome.describe(), Database.describe(e));
            return false;
        } finally {
            held.remove(task.id());
        }
    }

    private void recordLeftovers() {
        for (Map.Entry<Long, Outcome> left : Map.copyOf(unrecorded).entrySet()) {
            store(left.getKey(), left.getValue());
            unrecorded.remove(left.getKey());
        }
    }

    private void store(long id, Outcome outcome) {
        Instant now = clock.instant();
        // only while this replica holds the lease: after it ran out, the task is someone else's
        jdbi.useHandle(h -> h.createUpdate("""
                        UPDATE outbox SET status = :status, next_attempt_at = COALESCE(:next, next_attempt_at),
                            last_error = :error, lease_until = NULL, lease_owner = NULL, updated_at = :now
                        WHERE id = :id AND lease_owner = :owner""")
                .bind("status", outcome.status()).bind("next", ts(outcome.next()))
                .bind("error", storable(outcome.error(), 4000))
                .bind("now", ts(now)).bind("id", id).bind("owner", owner)
                .execute());
    }

    static String inWords(Duration wait) {
        if (wait.toMillis() < 1000) {
            return wait.toMillis() + " ms";
        }
        return wait.toSeconds() < 120 ? wait.toSeconds() + " s" : wait.toMinutes() + " min";
    }

    private static String describe(Throwable failure) {
        if (failure instanceof TransientFailure || failure instanceof PermanentFailure) {
            return failure.getMessage();
        }
        return Database.describe(failure);
    }

    /** What became of a task: done, to be retried at a time, or parked on an error. */
    private record Outcome(String status, Instant next, String error) {

        static Outcome done() {
            return new Outcome("done", null, null);
        }

        static Outcome retry(Instant next, String error) {
            return new Outcome("pending", next, error);
        }

        static Outcome parked(String error) {
            return new Outcome("failed", null, error);
        }

        String describe() {
            return switch (status) {
                case "done" -> "done";
                case "failed" -> "stopped: " + error;
                default -> "failed: " + error;
            };
        }
    }
}
