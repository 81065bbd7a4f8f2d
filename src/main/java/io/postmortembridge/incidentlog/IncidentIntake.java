package io.postmortembridge.incidentlog;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.postmortembridge.incident.IncidentSnapshot;
import io.postmortembridge.incident.MalformedInputException;
import io.postmortembridge.incident.Source;
import io.postmortembridge.incident.WebhookEvent;
import io.postmortembridge.incident.WebhookReader;
import io.postmortembridge.logging.OncePer;

/**
 * Reads stored webhook deliveries into the incident log, after they were answered: each delivery's
 * incident, its timeline event, and the review a resolution asks for. A batch is one transaction,
 * so a crash mid-batch leaves the deliveries pending, to be read again; they are read in the order
 * they arrived, one incident after another, so the events of one incident never contend.
 */
public final class IncidentIntake {

    /** What one call took in: deliveries read (or set aside as unreadable), and reviews asked for. */
    public record Batch(int deliveries, int reviews) {

        static final Batch NONE = new Batch(0, 0);

        public boolean isEmpty() {
            return deliveries == 0;
        }

        /** As many as one call takes: more may be waiting. */
        public boolean isFull() {
            return deliveries >= BATCH_SIZE;
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(IncidentIntake.class);
    private static final int BATCH_SIZE = 100;
    private static final int ATTEMPTS = 3;

    private final Database database;
    private final Jdbi jdbi;
    private final Inbox inbox;
    private final IncidentLog incidentLog;
    private final Map<Source, WebhookReader> readers;
    private final Runnable wake;
    private final OncePer unreachable;

    /** @param wake starts a {@link #takeInPending()} soon, on the thread that runs it */
    public IncidentIntake(Database database, Inbox inbox, IncidentLog incidentLog, List<WebhookReader> readers,
            Clock clock, Runnable wake) {
        this.database = database;
        this.jdbi = database.jdbi();
        this.inbox = inbox;
        this.incidentLog = incidentLog;
        this.readers = readers.stream().collect(Collectors.toMap(WebhookReader::source, Function.identity()));
        this.wake = wake;
        this.unreachable = new OncePer(Duration.ofMinutes(1), clock);
    }

    /** A delivery was stored: read it now rather than at the next poll. */
    public void wake() {
        wake.run();
    }

    /**
     * Reads the oldest pending deliveries. Never throws: a database that cannot be reached is logged
     * (once a minute) and the deliveries wait; a delivery that cannot be read is set aside with the
     * reason and the others go on.
     */
    public Batch takeInPending() {
        if (!database.isMigrated()) {
            return Batch.NONE;
        }
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                return jdbi.inTransaction(h -> takeIn(h, BATCH_SIZE));
            } catch (RuntimeException e) {
                if (Database.isConnectionProblem(e)) {
                    reportUnreachable(e);
                    return Batch.NONE;
                }
                if (!IncidentLog.isUniqueViolation(e)) {
                    break;
                }
                // another replica recorded the same new incident at the same moment: it exists now, go again
            }
        }
        return takeInOneByOne();
    }

    /** After a batch failed: each delivery on its own, so one that cannot be stored is set aside alone. */
    private Batch takeInOneByOne() {
        int deliveries = 0;
        int reviews = 0;
        for (int i = 0; i < BATCH_SIZE; i++) {
            Batch one;
            try {
                one = takeInOne();
            } catch (RuntimeException e) {
                reportUnreachable(e);
                break;
            }
            if (one.isEmpty()) {
                break;
            }
            deliveries += one.deliveries();
            reviews += one.reviews();
        }
        return new Batch(deliveries, reviews);
    }

    private Batch takeInOne() {
        List<Long> claimed = new ArrayList<>();
        RuntimeException failure = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            claimed.clear();
            try {
                return jdbi.inTransaction(h -> {
                    List<Inbox.Delivery> one = inbox.claimPending(h, 1);
                    one.forEach(d -> claimed.add(d.id()));
                    return read(h, one);
                });
            } catch (RuntimeException e) {
                if (Database.isConnectionProblem(e) || claimed.isEmpty()) {
                    throw e;
                }
                failure = e;
                if (!IncidentLog.isUniqueViolation(e)) {
                    break;
                }
            }
        }
        String reason = "could not be stored in the incident log: " + Database.describe(failure);
        jdbi.useTransaction(h -> inbox.markFailed(h, claimed.get(0), reason));
        LOG.error("Stored webhook delivery #{} {}; it is set aside, the deliveries after it go on", claimed.get(0),
                reason);
        return new Batch(1, 0);
    }

    private Batch takeIn(Handle h, int limit) {
        return read(h, inbox.claimPending(h, limit));
    }

    private Batch read(Handle h, List<Inbox.Delivery> deliveries) {
        List<Readable> readable = new ArrayList<>();
        List<Long> read = new ArrayList<>();
        for (Inbox.Delivery delivery : deliveries) {
            try {
                WebhookEvent event = delivery.alreadyRead() != null ? delivery.alreadyRead()
                        : reader(delivery.source()).read(delivery.body());
                read.add(delivery.id());
                if (event.isUsed()) {
                    readable.add(new Readable(delivery, event));
                }
            } catch (MalformedInputException e) {
                // checked when it arrived; unreadable now means the reader changed in between
                inbox.markFailed(h, delivery.id(), "unreadable: " + e.getMessage());
                LOG.error("Stored {} delivery {} cannot be read ({}); it is set aside", delivery.source().displayName(),
                        delivery.deliveryId(), e.getMessage());
            }
        }
        // one incident after another, each in arrival order; replicas lock incidents in the same order
        readable.sort(Comparator.comparing((Readable r) -> r.event().incident().source())
                .thenComparing(r -> r.event().incident().externalId())
                .thenComparing(r -> r.delivery().id()));
        int reviews = 0;
        for (Readable r : readable) {
            if (incidentLog.record(h, r.event())) {
                reviews++;
                IncidentSnapshot incident = r.event().incident();
                LOG.info("{} resolved: deciding whether it needs a post-mortem", incident.name());
            }
        }
        inbox.markDone(h, read);
        return new Batch(deliveries.size(), reviews);
    }

    private WebhookReader reader(Source source) {
        WebhookReader reader = readers.get(source);
        if (reader == null) {
            throw new MalformedInputException("no reader for " + source.displayName() + " webhooks in this version");
        }
        return reader;
    }

    private void reportUnreachable(RuntimeException e) {
        long held = unreachable.tryAcquire();
        if (held >= 0) {
            LOG.warn("Stored webhooks wait: the incident log database cannot be reached ({}){}", Database.describe(e),
                    held > 0 ? "; " + held + " more attempts failed the same way in the last minute" : "");
        }
    }

    private record Readable(Inbox.Delivery delivery, WebhookEvent event) {
    }
}
