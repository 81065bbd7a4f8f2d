package io.postmortembridge.incidentlog;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.postmortembridge.incident.Actor;
import io.postmortembridge.incident.EventKind;
import io.postmortembridge.incident.IncidentEvent;
import io.postmortembridge.incident.IncidentSnapshot;
import io.postmortembridge.incident.IncidentStatus;
import io.postmortembridge.incident.Origin;
import io.postmortembridge.incident.Source;
import io.postmortembridge.incident.pagerduty.PagerDutyWebhookEvent;
import io.postmortembridge.incident.pagerduty.PagerDutyWebhookParser;
import io.postmortembridge.testsupport.MutableClock;
import io.postmortembridge.testsupport.Refdata;

/**
 * What the incident log and its outbox promise, on every database the service supports: the same
 * tests run against embedded H2 and PostgreSQL.
 */
abstract class IncidentLogContract {

    private static final Instant T0 = Instant.parse("2026-04-01T02:07:30Z");
    private static final OutboxSettings OUTBOX = new OutboxSettings(20, Duration.ofMinutes(5), Duration.ofSeconds(5),
            Duration.ofMinutes(15));

    private final MutableClock clock = new MutableClock(T0);
    private Database database;
    private String url;
    private Outbox outbox;
    private IncidentLog log;

    /** A new, empty database's JDBC URL. */
    abstract String newDatabase();

    void dropDatabase(String url) {
    }

    @BeforeEach
    void open() {
        url = newDatabase();
        database = Database.open(url, "sa", "");
        outbox = new Outbox(database.jdbi(), clock, OUTBOX);
        log = new IncidentLog(database.jdbi(), outbox, clock);
    }

    @AfterEach
    void close() {
        database.close();
        dropDatabase(url);
    }

    @Test
    void redeliveredWebhookIsTakenInOnce() {
        PagerDutyWebhookEvent resolved = recorded("webhook-samples/pagerduty-v3/zulip/resolved_v3.json");

        assertThat(takeIn("delivery-1", resolved)).isEqualTo(IncidentLog.Intake.STORED);
        assertThat(takeIn("delivery-1", resolved)).isEqualTo(IncidentLog.Intake.DUPLICATE);

        long incident = log.incident(Source.PAGERDUTY, "PCPZE64").orElseThrow().id();
        assertThat(log.events(incident)).hasSize(1);
        assertThat(outbox.entries(IncidentLog.INCIDENT_RESOLVED)).hasSize(1);
    }

    @Test
    void concurrentRedeliveriesStoreOneEvent() throws Exception {
        PagerDutyWebhookEvent resolved = recorded("webhook-samples/pagerduty-v3/zulip/resolved_v3.json");

        List<IncidentLog.Intake> intakes = inParallel(8, i -> takeIn("same-delivery", resolved));

        assertThat(intakes).containsOnlyOnce(IncidentLog.Intake.STORED);
        assertThat(intakes).filteredOn(IncidentLog.Intake.DUPLICATE::equals).hasSize(7);
        assertThat(log.events(log.incident(Source.PAGERDUTY, "PCPZE64").orElseThrow().id())).hasSize(1);
        assertThat(outbox.entries(IncidentLog.INCIDENT_RESOLVED)).hasSize(1);
    }

    @Test
    void concurrentFirstEventsOfANewIncidentAreAllKept() throws Exception {
        List<IncidentLog.Intake> intakes = inParallel(8, i -> log.takeIn("delivery-" + i, "incident.annotated",
                snapshot("PNEW123", null), note("note-" + i, T0.plusSeconds(i)), false));

        assertThat(intakes).containsOnly(IncidentLog.Intake.STORED);
        assertThat(log.events(log.incident(Source.PAGERDUTY, "PNEW123").orElseThrow().id())).hasSize(8);
    }

    @Test
    void factsAreMergedNotErased() {
        log.takeIn("d1", "incident.triggered", new IncidentSnapshot(Source.PAGERDUTY, "PX1", 5L, "Checkout latency",
                        "S1", "checkout", "P1", "high", IncidentStatus.TRIGGERED, "https://acme.pagerduty.com/incidents/PX1",
                        T0, null),
                event("e1", EventKind.TRIGGERED, T0), false);
        // a note's webhook names the incident but says nothing of its priority or service
        log.takeIn("d2", "incident.annotated", IncidentSnapshot.reference(Source.PAGERDUTY, "PX1", "Checkout latency",
                null), note("n1", T0.plusSeconds(60)), false);

        IncidentSnapshot facts = log.incident(Source.PAGERDUTY, "PX1").orElseThrow().facts();
        assertThat(facts.priority()).isEqualTo("P1");
        assertThat(facts.serviceName()).isEqualTo("checkout");
        assertThat(facts.startedAt()).isEqualTo(T0);
        assertThat(facts.htmlUrl()).isEqualTo("https://acme.pagerduty.com/incidents/PX1");
    }

    @Test
    void eachResolutionAsksForOneReview() {
        log.takeIn("d1", "incident.resolved", snapshot("PX2", T0.plusSeconds(600)),
                event("resolve-1", EventKind.RESOLVED, T0.plusSeconds(600)), true);
        log.takeIn("d2", "incident.reopened", snapshot("PX2", null), event("reopen", EventKind.REOPENED,
                T0.plusSeconds(700)), false);
        log.takeIn("d3", "incident.resolved", snapshot("PX2", T0.plusSeconds(900)),
                event("resolve-2", EventKind.RESOLVED, T0.plusSeconds(900)), true);

        assertThat(outbox.entries(IncidentLog.INCIDENT_RESOLVED)).hasSize(2);
        assertThat(log.incident(Source.PAGERDUTY, "PX2").orElseThrow().facts().resolvedAt())
                .isEqualTo(T0.plusSeconds(900));
    }

    @Test
    void enrichmentAddsOnlyEventsNotYetKnown() {
        log.takeIn("d1", "incident.annotated", snapshot("PX3", null), note("PEMJB6G", T0), false);
        long incident = log.incident(Source.PAGERDUTY, "PX3").orElseThrow().id();

        log.enrich(incident, snapshot("PX3", null), List.of(note("PEMJB6G", T0), event("log-1", EventKind.TRIGGERED, T0)));
        log.enrich(incident, snapshot("PX3", null), List.of(event("log-1", EventKind.TRIGGERED, T0)));

        assertThat(log.events(incident)).extracting(IncidentEvent::key).containsExactlyInAnyOrder("note:PEMJB6G", "log-1");
    }

    @Test
    void eventsKeepEveryFieldAndHostileText() {
        String hostile = "Robert'); DROP TABLE incident;-- <script> 🚨 مرحبا 事故";
        IncidentEvent stored = new IncidentEvent("k1", Origin.LOG_ENTRY, EventKind.NOTIFICATION, T0,
                new Actor(Actor.Kind.SERVICE, "S1", "checkout"), new Actor(Actor.Kind.PERSON, "U1", hostile), hostile);
        log.takeIn("d1", "incident.triggered", snapshot("PX4", null), stored, false);

        assertThat(log.events(log.incident(Source.PAGERDUTY, "PX4").orElseThrow().id())).containsExactly(stored);
    }

    @Test
    void nulCharactersAreDroppedRatherThanRefused() {
        IncidentEvent withNul = new IncidentEvent("k\u0000", Origin.WEBHOOK, EventKind.NOTE, T0, null, null, "a\u0000b");

        assertThat(log.takeIn("d\u0000", "incident.annotated", snapshot("PX10", null), withNul, false))
                .isEqualTo(IncidentLog.Intake.STORED);
        assertThat(log.takeIn("d\u0000", "incident.annotated", snapshot("PX10", null), withNul, false))
                .isEqualTo(IncidentLog.Intake.DUPLICATE);

        IncidentEvent stored = log.events(log.incident(Source.PAGERDUTY, "PX10").orElseThrow().id()).get(0);
        assertThat(stored.key()).isEqualTo("k");
        assertThat(stored.detail()).isEqualTo("ab");
    }

    @Test
    void postmortemIsDraftedOncePerIncident() {
        log.takeIn("d1", "incident.resolved", snapshot("PX5", T0), event("r", EventKind.RESOLVED, T0), true);
        long incident = log.incident(Source.PAGERDUTY, "PX5").orElseThrow().id();
        PostmortemDraft draft = new PostmortemDraft("postmortem-bridge-pagerduty-PX5", "Post-mortem: x", "{}", "x",
                LocalDate.of(2026, 4, 15));

        assertThat(log.draftPostmortem(incident, draft)).isTrue();
        assertThat(log.draftPostmortem(incident, draft)).isFalse();

        assertThat(outbox.entries(IncidentLog.PUBLISH_POSTMORTEM)).hasSize(1);
        LoggedPostmortem stored = log.postmortemOfIncident(incident).orElseThrow();
        assertThat(stored.status()).isEqualTo(PostmortemStatus.DRAFTED);
        assertThat(stored.followUpOn()).isEqualTo(LocalDate.of(2026, 4, 15));
    }

    @Test
    void aLeasedTaskIsNotClaimedAgainUntilItsLeaseRunsOut() {
        log.takeIn("d1", "incident.resolved", snapshot("PX6", T0), event("r", EventKind.RESOLVED, T0), true);

        assertThat(outbox.claimDue()).hasSize(1);
        assertThat(outbox.claimDue()).isEmpty();

        clock.advance(OUTBOX.lease().plusSeconds(1));
        List<OutboxTask> again = outbox.claimDue();
        assertThat(again).hasSize(1);
        assertThat(again.get(0).attempt()).isEqualTo(2);
    }

    @Test
    void replicasNeverClaimTheSameTask() throws Exception {
        for (int i = 0; i < 40; i++) {
            log.takeIn("d" + i, "incident.resolved", snapshot("PR" + i, T0), event("r" + i, EventKind.RESOLVED, T0), true);
        }
        Outbox[] replicas = new Outbox[4];
        for (int i = 0; i < replicas.length; i++) {
            replicas[i] = new Outbox(database.jdbi(), clock, new OutboxSettings(5, Duration.ofMinutes(5),
                    Duration.ofSeconds(5), Duration.ofMinutes(15)));
        }

        List<Long> claimed = new ArrayList<>();
        for (int round = 0; round < 10 && claimed.size() < 40; round++) {
            inParallel(replicas.length, i -> replicas[i].claimDue())
                    .forEach(batch -> batch.forEach(task -> claimed.add(task.id())));
        }

        assertThat(claimed).doesNotHaveDuplicates().hasSize(40);
    }

    @Test
    void transientFailuresBackOffExponentiallyAndHonourRetryAfter() {
        log.takeIn("d1", "incident.resolved", snapshot("PX7", T0), event("r", EventKind.RESOLVED, T0), true);

        outbox.failed(outbox.claimDue().get(0), new TransientFailure("Jira answered HTTP 503", null));
        assertThat(nextAttempt()).isEqualTo(T0.plusSeconds(5));
        assertThat(outbox.claimDue()).as("not due before its backoff").isEmpty();

        clock.advance(Duration.ofSeconds(5));
        outbox.failed(outbox.claimDue().get(0), new TransientFailure("Jira answered HTTP 503", null));
        assertThat(nextAttempt()).isEqualTo(T0.plusSeconds(5 + 10));

        clock.advance(Duration.ofSeconds(10));
        outbox.failed(outbox.claimDue().get(0), new TransientFailure("Jira answered HTTP 429", Duration.ofSeconds(90)));
        assertThat(nextAttempt()).as("Retry-After longer than the backoff wins").isEqualTo(T0.plusSeconds(15 + 90));
        assertThat(outbox.entries(IncidentLog.INCIDENT_RESOLVED).get(0).lastError()).isEqualTo("Jira answered HTTP 429");
    }

    @Test
    void backoffIsCappedButRetryAfterIsNot() {
        assertThat(outbox.retryDelay(1, null)).isEqualTo(Duration.ofSeconds(5));
        assertThat(outbox.retryDelay(4, null)).isEqualTo(Duration.ofSeconds(40));
        assertThat(outbox.retryDelay(30, null)).isEqualTo(Duration.ofMinutes(15));
        assertThat(outbox.retryDelay(2, Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(10));
        assertThat(outbox.retryDelay(30, Duration.ofMinutes(40))).isEqualTo(Duration.ofMinutes(40));
    }

    @Test
    void permanentFailureParksTheTaskUntilTheNextStart() {
        log.takeIn("d1", "incident.resolved", snapshot("PX8", T0), event("r", EventKind.RESOLVED, T0), true);
        outbox.failed(outbox.claimDue().get(0), new PermanentFailure("Jira refused: fix jira.priority-map"));

        clock.advance(Duration.ofDays(1));
        assertThat(outbox.claimDue()).isEmpty();
        assertThat(outbox.counts()).isEqualTo(new OutboxCounts(0, 1));
        assertThat(outbox.entries(IncidentLog.INCIDENT_RESOLVED).get(0).lastError())
                .isEqualTo("Jira refused: fix jira.priority-map");

        assertThat(outbox.retryParked()).isEqualTo(1);
        assertThat(outbox.claimDue()).hasSize(1);
    }

    @Test
    void completedTasksAreNotClaimedAgain() {
        log.takeIn("d1", "incident.resolved", snapshot("PX9", T0), event("r", EventKind.RESOLVED, T0), true);
        outbox.completed(outbox.claimDue().get(0));

        clock.advance(Duration.ofDays(1));
        assertThat(outbox.claimDue()).isEmpty();
        assertThat(outbox.counts()).isEqualTo(new OutboxCounts(0, 0));
    }

    @Test
    void reportsItselfReachable() {
        assertThat(log.isReachable()).isTrue();
    }

    private Instant nextAttempt() {
        return outbox.entries(IncidentLog.INCIDENT_RESOLVED).get(0).nextAttemptAt();
    }

    private IncidentLog.Intake takeIn(String delivery, PagerDutyWebhookEvent e) {
        return log.takeIn(delivery, e.eventType(), e.incident(), e.event(), e.resolution());
    }

    private static PagerDutyWebhookEvent recorded(String file) {
        return new PagerDutyWebhookParser(new ObjectMapper()).parse(Refdata.bytes(file));
    }

    private static IncidentSnapshot snapshot(String id, Instant resolvedAt) {
        return new IncidentSnapshot(Source.PAGERDUTY, id, null, "Test incident " + id, null, null, null, "high",
                resolvedAt == null ? IncidentStatus.TRIGGERED : IncidentStatus.RESOLVED, null, null, resolvedAt);
    }

    private static IncidentEvent event(String key, EventKind kind, Instant at) {
        return new IncidentEvent(key, Origin.WEBHOOK, kind, at, null, null, null);
    }

    private static IncidentEvent note(String id, Instant at) {
        return new IncidentEvent("note:" + id, Origin.NOTE, EventKind.NOTE, at, null, null, "note " + id);
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(int i) throws Exception;
    }

    /** Runs the work on as many threads at once, released together to make the race real. */
    private static <T> List<T> inParallel(int threads, Work<T> work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int n = i;
                Callable<T> task = () -> {
                    start.await();
                    return work.run(n);
                };
                futures.add(pool.submit(task));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
