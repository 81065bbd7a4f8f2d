package io.postmortembridge.incidentlog;

import static io.postmortembridge.incidentlog.IncidentLog.isUniqueViolation;
import static io.postmortembridge.incidentlog.IncidentLog.storable;
import static io.postmortembridge.incidentlog.IncidentLog.ts;

import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

import io.postmortembridge.incident.Source;
import io.postmortembridge.incident.WebhookEvent;

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

    /**
     * A stored delivery waiting to be read into the incident log.
     *
     * @param alreadyRead what this process read when the delivery came in, or null: the body is read
     *                    again (after a restart, or on another replica)
     */
    public record Delivery(long id, Source source, String deliveryId, byte[] body, WebhookEvent alreadyRead) {
    }

    /** Deliveries read on arrival and not yet taken in, by source and delivery id: a second read is saved. */
    private static final int REMEMBERED_READS = 1000;

    static final int MAX_DELIVERY_ID = 256;

    private final Jdbi jdbi;
    private final String claimLocking;
    private final Clock clock;
    private final Map<String, WebhookEvent> read = Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, WebhookEvent> eldest) {
                    return size() > REMEMBERED_READS;
                }
            });

    public Inbox(Database database, Clock clock) {
        this.jdbi = database.jdbi();
        this.claimLocking = database.claimLocking();
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
        return receive(source, deliveryId, eventType, body, null);
    }

    /** As {@link #receive(Source, String, String, byte[])}, remembering what the body says, read on arrival. */
    public Receipt receive(Source source, String deliveryId, String eventType, byte[] body, WebhookEvent event) {
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
            if (event != null) {
                read.put(key(source, storable(deliveryId, MAX_DELIVERY_ID)), event);
            }
            return Receipt.STORED;
        } catch (UnableToExecuteStatementException e) {
            if (isUniqueViolation(e)) {
                return Receipt.DUPLICATE;
            }
            throw e;
        }
    }

    /**
     * The oldest pending deliveries, for the caller's transaction: on PostgreSQL locked, rows another
     * replica is reading skipped, not waited for.
     */
    List<Delivery> claimPending(Handle h, int limit) {
        return h.createQuery("""
                        SELECT id, source, delivery_id, body FROM inbox WHERE status = 'pending'
                        ORDER BY id
                        FETCH FIRST :limit ROWS ONLY
                        """ + claimLocking)
                .bind("limit", limit)
                .map((rs, ctx) -> {
                    Source source = Source.fromId(rs.getString("source"));
                    String deliveryId = rs.getString("delivery_id");
                    return new Delivery(rs.getLong("id"), source, deliveryId, rs.getBytes("body"),
                            read.remove(key(source, deliveryId)));
                })
                .list();
    }

    private static String key(Source source, String deliveryId) {
        return source.id() + "/" + deliveryId;
    }

    void markDone(Handle h, List<Long> ids) {
        if (!ids.isEmpty()) {
            // one statement text whatever the batch size, so the database parses it once
            PreparedBatch done = h.prepareBatch("UPDATE inbox SET status = 'done' WHERE id = :id");
            ids.forEach(id -> done.bind("id", id).add());
            done.execute();
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
