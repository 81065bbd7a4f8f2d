package io.postmortembridge.incidentlog;

import static io.postmortembridge.incidentlog.IncidentLog.isUniqueViolation;
import static io.postmortembridge.incidentlog.IncidentLog.storable;
import static io.postmortembridge.incidentlog.IncidentLog.ts;

import java.time.Clock;
import java.util.List;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

import io.postmortembridge.incident.Source;

/**
 * Webhook deliveries as they arrived, before they are read into the incident log. Storing one is a
 * single insert, so a webhook is answered as soon as it is durable; the delivery id is its key, so
 * a redelivery is recognised by the same insert.
 */
public final class Inbox {

    /** What happened to an incoming delivery. */
    public enum Receipt {
        STORED, DUPLICATE
    }

    /** A stored delivery waiting to be read into the incident log. */
    public record Delivery(long id, Source source, String deliveryId, byte[] body) {
    }

    static final int MAX_DELIVERY_ID = 256;

    private final Jdbi jdbi;
    private final Clock clock;

    public Inbox(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /**
     * Stores a delivery, in one statement. Returns once it is committed, or once it is known to be a
     * delivery already stored.
     *
     * @param deliveryId the sender's id of this delivery, the same on each retry of it
     * @param body       the body as received, unchanged
     */
    public Receipt receive(Source source, String deliveryId, String eventType, byte[] body) {
        try {
            jdbi.useHandle(h -> h.createUpdate("""
                            INSERT INTO inbox (source, delivery_id, event_type, received_at, body, status)
                            VALUES (:source, :delivery, :type, :now, :body, 'pending')""")
                    .bind("source", source.id())
                    .bind("delivery", storable(deliveryId, MAX_DELIVERY_ID))
                    .bind("type", storable(eventType, 128))
                    .bind("now", ts(clock.instant()))
                    .bind("body", body)
                    .execute());
            return Receipt.STORED;
        } catch (UnableToExecuteStatementException e) {
            if (isUniqueViolation(e)) {
                return Receipt.DUPLICATE;
            }
            throw e;
        }
    }

    /**
     * The oldest pending deliveries, locked for the caller's transaction. Rows another replica is
     * reading are skipped, not waited for.
     */
    List<Delivery> claimPending(Handle h, int limit) {
        return h.createQuery("""
                        SELECT id, source, delivery_id, body FROM inbox WHERE status = 'pending'
                        ORDER BY id
                        FETCH FIRST :limit ROWS ONLY
                        FOR UPDATE SKIP LOCKED""")
                .bind("limit", limit)
                .map((rs, ctx) -> new Delivery(rs.getLong("id"), Source.fromId(rs.getString("source")),
                        rs.getString("delivery_id"), rs.getBytes("body")))
                .list();
    }

    void markDone(Handle h, List<Long> ids) {
        if (!ids.isEmpty()) {
            h.createUpdate("UPDATE inbox SET status = 'done' WHERE id IN (<ids>)").bindList("ids", ids).execute();
        }
    }

    /** A delivery that cannot be read is set aside with the reason, so it never blocks the ones after it. */
    void markFailed(Handle h, long id, String reason) {
        h.createUpdate("UPDATE inbox SET status = 'failed', last_error = :reason WHERE id = :id")
                .bind("reason", storable(reason, 4000)).bind("id", id)
                .execute();
    }

    /** Deliveries stored and not yet read into the incident log, and deliveries set aside as unreadable. */
    public Backlog backlog() {
        return IncidentLog.backlog(jdbi, "inbox");
    }
}
