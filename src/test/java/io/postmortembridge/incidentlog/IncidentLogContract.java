package io.postmortembridge.incidentlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.postmortembridge.failure.PermanentFailure;
import io.postmortembridge.failure.TransientFailure;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.postmortembridge.incident.Actor;
import io.postmortembridge.incident.EventKind;
import io.postmortembridge.incident.IncidentEvent;
import io.postmortembridge.incident.IncidentSnapshot;
import io.postmortembridge.incident.IncidentStatus;
import io.postmortembridge.incident.MalformedInputException;
import io.postmortembridge.incident.Origin;
import io.postmortembridge.incident.Source;
import io.postmortembridge.incident.WebhookEvent;
import io.postmortembridge.incident.WebhookReader;
import io.postmortembridge.incident.pagerduty.PagerDutyWebhookParser;
import io.postmortembridge.testsupport.ExampleIncident;
import io.postmortembridge.testsupport.MutableClock;
import io.postmortembridge.testsupport.OutboxRows;
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
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final PagerDutyWebhookParser pagerDuty = new PagerDutyWebhookParser(new ObjectMapper());
    private Database database;
    private String url;
    private Outbox outbox;
    private IncidentLog log;
    private Inbox inbox;
    private IncidentIntake intake;

    /** A new, empty database's JDBC URL. */
    abstract String newDatabase();

    void dropDatabase(String url) {
    }

    /** Whether several processes may share this database: PostgreSQL does, embedded H2 does not. */
    boolean servesReplicas() {
        return true;
    }

    @BeforeEach
    void open() {
        url = newDatabase();
        database = Database.open(url, "sa", "");
        outbox = new Outbox(database, clock, OUTBOX, () -> { });
        log = new IncidentLog(database.jdbi(), outbox, clock, meters);
        inbox = new Inbox(database, clock);
        intake = new IncidentIntake(database, inbox, log, List.of(pagerDuty), clock, () -> { });
    }

    @AfterEach
    void close() {
        database.close();
        dropDatabase(url);
    }

    @Test
    void redeliveredWebhookIsStoredOnceAndReadOnce() {
        byte[] resolved = Refdata.bytes("webhook-samples/pagerduty-v3/zulip/resolved_v3.json");

        assertThat(receive("delivery-1", resolved)).isEqualTo(Inbox.Receipt.STORED);
        assertThat(receive("delivery-1", resolved)).isEqualTo(Inbox.Receipt.DUPLICATE);
        assertThat(intake.takeInPending()).isEqualTo(new IncidentIntake.Batch(1, 1));
        assertThat(receive("delivery-1", resolved)).as("still known once read").isEqualTo(Inbox.Receipt.DUPLICATE);

        assertThat(intake.takeInPending().isEmpty()).isTrue();
        long incident = log.incident(Source.PAGERDUTY, "PCPZE64").orElseThrow().id();
        assertThat(log.events(incident)).hasSize(1);
        assertThat(rows(IncidentLog.POSTMORTEM_DRAFT)).hasSize(1);
    }

    @Test
    void concurrentRedeliveriesAreStoredOnce() throws Exception {
        byte[] resolved = Refdata.bytes("webhook-samples/pagerduty-v3/zulip/resolved_v3.json");

        List<Inbox.Receipt> receipts = inParallel(8, i -> receive("same-delivery", resolved));

        assertThat(receipts).containsOnlyOnce(Inbox.Receipt.STORED);
        assertThat(receipts).filteredOn(Inbox.Receipt.DUPLICATE::equals).hasSize(7);
        assertThat(inbox.backlog().pending()).isEqualTo(1);
    }

    @Test
    void storingADeliveryReadsNothingYet() {
        receive("delivery-1", Refdata.bytes("webhook-samples/pagerduty-v3/zulip/resolved_v3.json"));

        assertThat(inbox.backlog().pending()).isEqualTo(1);
        assertThat(log.incident(Source.PAGERDUTY, "PCPZE64")).isEmpty();
        assertThat(rows(IncidentLog.POSTMORTEM_DRAFT)).isEmpty();
    }

    @Test
    void intakeReadsAWholeIncidentIntoOneIncidentAndOneReview() {
        List<ExampleIncident.Delivery> example = ExampleIncident.deliveries();
        for (ExampleIncident.Delivery delivery : example) {
            receive(delivery.name(), delivery.body());
        }

        assertThat(intake.takeInPending()).isEqualTo(new IncidentIntake.Batch(example.size(), 1));

        LoggedIncident incident = log.incident(Source.PAGERDUTY, ExampleIncident.ID).orElseThrow();
        assertThat(log.events(incident.id())).hasSize(example.size());
        assertThat(incident.facts().status()).isEqualTo(IncidentStatus.RESOLVED);
        assertThat(incident.facts().priority()).isEqualTo("P2");
        assertThat(rows(IncidentLog.POSTMORTEM_DRAFT)).hasSize(1);
        assertThat(inbox.backlog().pending()).isZero();
    }

    @Test
    void deliveriesArrivingInReverseEndInTheSameState() {
        List<ExampleIncident.Delivery> example = new ArrayList<>(ExampleIncident.deliveries());
        Collections.reverse(example);
        for (ExampleIncident.Delivery delivery : example) {
            receive(delivery.name(), delivery.body());
            // one by one, as if each came on its own
            intake.takeInPending();
        }

        IncidentSnapshot facts = log.incident(Source.PAGERDUTY, ExampleIncident.ID).orElseThrow().facts();
        assertThat(facts.status()).isEqualTo(IncidentStatus.RESOLVED);
        assertThat(facts.priority()).as("set by priority_updated, after the escalation's P1").isEqualTo("P2");
    }

    @Test
    void deliveriesBeyondOneBatchAreReadByTheNextCall() {
        byte[] note = Refdata.bytes("webhook-samples/pagerduty-v3/zulip/annotated_v3.json");
        for (int i = 0; i < 150; i++) {
            receive("note-" + i, note);
        }

        assertThat(intake.takeInPending().deliveries()).isEqualTo(100);
        assertThat(intake.takeInPending().deliveries()).isEqualTo(50);
        assertThat(intake.takeInPending().isEmpty()).isTrue();
    }

    @Test
    void aDeliveryTheReaderNoLongerAcceptsIsSetAsideAndTheOthersGoOn() {
        WebhookReader strict = reader(body -> {
            if (new String(body).contains("POISON")) {
                throw new MalformedInputException("event.data.id is not a PagerDuty id");
            }
            return pagerDuty.read(body);
        });
        IncidentIntake strictIntake = new IncidentIntake(database, inbox, log, List.of(strict), clock, () -> { });
        receive("d1", Refdata.bytes("webhook-samples/pagerduty-v3/zulip/triggered_v3.json"));
        receive("d2", "{\"POISON\": true}".getBytes());
        receive("d3", Refdata.bytes("webhook-samples/pagerduty-v3/zulip/resolved_v3.json"));

        assertThat(strictIntake.takeInPending()).isEqualTo(new IncidentIntake.Batch(3, 1));

        assertThat(log.incident(Source.PAGERDUTY, "PFQZPSY")).isPresent();
        assertThat(log.incident(Source.PAGERDUTY, "PCPZE64")).isPresent();
        assertThat(inboxRow("d2")).isEqualTo("failed: unreadable: event.data.id is not a PagerDuty id");
    }

    @Test
    void aDeliveryTheDatabaseRefusesIsSetAsideAloneAndTheOthersAreRead() {
        // an id longer than the column: the database refuses the incident, a batch fails as a whole
        WebhookReader tooLong = reader(body -> new String(body).startsWith("long")
                ? noteEvent("P" + "X".repeat(100), "n1", T0) : pagerDuty.read(body));
        IncidentIntake intakeWithTooLong = new IncidentIntake(database, inbox, log, List.of(tooLong), clock, () -> { });
        receive("d1", Refdata.bytes("webhook-samples/pagerduty-v3/zulip/triggered_v3.json"));
        receive("d2", "long id".getBytes());
        receive("d3", Refdata.bytes("webhook-samples/pagerduty-v3/zulip/resolved_v3.json"));

        assertThat(intakeWithTooLong.takeInPending()).isEqualTo(new IncidentIntake.Batch(3, 1));

        assertThat(log.incident(Source.PAGERDUTY, "PFQZPSY")).isPresent();
        assertThat(log.incident(Source.PAGERDUTY, "PCPZE64")).isPresent();
        assertThat(inboxRow("d2")).startsWith("failed: could not be stored in the incident log: SQL error 22001")
                .doesNotContain("XXXX");
        assertThat(inbox.backlog().pending()).isZero();
    }

    @Test
    void concurrentFirstEventsOfANewIncidentAreAllKept() throws Exception {
        List<Boolean> recorded = inParallel(8, i -> log.record(noteEvent("PNEW123", "note-" + i, T0.plusSeconds(i))));

        assertThat(recorded).containsOnly(false);
        assertThat(log.events(log.incident(Source.PAGERDUTY, "PNEW123").orElseThrow().id())).hasSize(8);
    }

    @Test
    void factsAreMergedNotErased() {
        log.record(new WebhookEvent("e1", "incident.triggered", new IncidentSnapshot(Source.PAGERDUTY, "PX1", 5L,
                "Checkout latency", "S1", "checkout", "P1", "high", IncidentStatus.TRIGGERED,
                "https://acme.pagerduty.com/incidents/PX1", T0, null), event("e1", EventKind.TRIGGERED, T0), false));
        // a note's webhook names the incident but says nothing of its priority or service
        log.record(noteEvent("PX1", "n1", T0.plusSeconds(60)));

        IncidentSnapshot facts = log.incident(Source.PAGERDUTY, "PX1").orElseThrow().facts();
        assertThat(facts.priority()).isEqualTo("P1");
        assertThat(facts.serviceName()).isEqualTo("checkout");
        assertThat(facts.startedAt()).isEqualTo(T0);
        assertThat(facts.htmlUrl()).isEqualTo("https://acme.pagerduty.com/incidents/PX1");
    }

    @Test
    void aLateOrReplayedTriggerNeverReopensAResolvedIncident() {
        log.record(resolution("PX11", "resolve", T0.plusSeconds(600)));
        // the trigger's webhook arrives after the resolution's, or is replayed hours later
        log.record(new WebhookEvent("trigger", "incident.triggered", new IncidentSnapshot(Source.PAGERDUTY, "PX11",
                11L, "Old title", "S1", "checkout", "P3", "low", IncidentStatus.TRIGGERED, null, T0, null),
                event("trigger", EventKind.TRIGGERED, T0), false));

        IncidentSnapshot facts = log.incident(Source.PAGERDUTY, "PX11").orElseThrow().facts();
        assertThat(facts.status()).isEqualTo(IncidentStatus.RESOLVED);
        assertThat(facts.resolvedAt()).isEqualTo(T0.plusSeconds(600));
        assertThat(facts.title()).as("the newer fact stays").isEqualTo("Test incident PX11");
        assertThat(facts.priority()).as("what was unknown is filled in").isEqualTo("P3");
        assertThat(facts.serviceName()).isEqualTo("checkout");
        assertThat(log.events(log.incident(Source.PAGERDUTY, "PX11").orElseThrow().id())).hasSize(2);
    }

    @Test
    void eventsAppliedOutOfOrderEndInTheStateOfTheLatest() {
        Instant t1 = T0.plusSeconds(60);
        Instant t2 = T0.plusSeconds(120);
        log.record(new WebhookEvent("ack", "incident.acknowledged", status("PX12", IncidentStatus.ACKNOWLEDGED),
                event("ack", EventKind.ACKNOWLEDGED, t1), false));
        log.record(resolution("PX12", "resolve", t2));
        log.record(new WebhookEvent("trigger", "incident.triggered", status("PX12", IncidentStatus.TRIGGERED),
                event("trigger", EventKind.TRIGGERED, T0), false));
        log.record(new WebhookEvent("ack", "incident.acknowledged", status("PX12", IncidentStatus.ACKNOWLEDGED),
                event("ack", EventKind.ACKNOWLEDGED, t1), false));

        assertThat(log.incident(Source.PAGERDUTY, "PX12").orElseThrow().facts().status())
                .isEqualTo(IncidentStatus.RESOLVED);
    }

    @Test
    void eachResolutionAsksForOneReview() {
        log.record(resolution("PX2", "resolve-1", T0.plusSeconds(600)));
        log.record(new WebhookEvent("reopen", "incident.reopened", snapshot("PX2", null),
                event("reopen", EventKind.REOPENED, T0.plusSeconds(700)), false));
        log.record(resolution("PX2", "resolve-2", T0.plusSeconds(900)));

        assertThat(rows(IncidentLog.POSTMORTEM_DRAFT)).hasSize(2);
        assertThat(log.incident(Source.PAGERDUTY, "PX2").orElseThrow().facts().resolvedAt())
                .isEqualTo(T0.plusSeconds(900));
    }

    @Test
    void enrichmentAddsOnlyEventsNotYetKnown() {
        log.record(new WebhookEvent("n", "incident.annotated", snapshot("PX3", null), note("PEMJB6G", T0), false));
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
        log.record(new WebhookEvent("k1", "incident.triggered", snapshot("PX4", null), stored, false));

        assertThat(log.events(log.incident(Source.PAGERDUTY, "PX4").orElseThrow().id())).containsExactly(stored);
    }

    @Test
    void nulCharactersAreDroppedRatherThanRefused() {
        IncidentEvent withNul = new IncidentEvent("k\u0000", Origin.WEBHOOK, EventKind.NOTE, T0, null, null, "a\u0000b");

        assertThat(inbox.receive(Source.PAGERDUTY, "d\u0000", "incident.annotated", new byte[] {0}))
                .isEqualTo(Inbox.Receipt.STORED);
        assertThat(inbox.receive(Source.PAGERDUTY, "d\u0000", "incident.annotated", new byte[] {0}))
                .isEqualTo(Inbox.Receipt.DUPLICATE);
        log.record(new WebhookEvent("k", "incident.annotated", snapshot("PX10", null), withNul, false));
        log.record(new WebhookEvent("k", "incident.annotated", snapshot("PX10", null), withNul, false));

        IncidentEvent stored = log.events(log.incident(Source.PAGERDUTY, "PX10").orElseThrow().id()).get(0);
        assertThat(stored.key()).isEqualTo("k");
        assertThat(stored.detail()).isEqualTo("ab");
    }

    @Test
    void postmortemIsDraftedOncePerIncident() {
        log.record(resolution("PX5", "r", T0));
        long incident = log.incident(Source.PAGERDUTY, "PX5").orElseThrow().id();
        PostmortemDraft draft = new PostmortemDraft("postmortem-bridge-pagerduty-PX5", "Post-mortem: x", "{}", "x",
                LocalDate.of(2026, 4, 15));

        assertThat(log.draftPostmortem(incident, draft)).isTrue();
        assertThat(log.draftPostmortem(incident, draft)).isFalse();

        assertThat(rows(IncidentLog.POSTMORTEM_PUBLISH)).hasSize(1);
        LoggedPostmortem stored = log.postmortemOfIncident(incident).orElseThrow();
        assertThat(stored.status()).isEqualTo(PostmortemStatus.DRAFTED);
        assertThat(stored.followUpOn()).isEqualTo(LocalDate.of(2026, 4, 15));
    }

    @Test
    void aLeasedTaskIsNotClaimedAgainUntilItsLeaseRunsOut() {
        log.record(resolution("PX6", "r", T0));

        assertThat(outbox.claimDue()).hasSize(1);
        assertThat(outbox.claimDue()).isEmpty();

        clock.advance(OUTBOX.lease().plusSeconds(1));
        List<OutboxTask> again = outbox.claimDue();
        assertThat(again).hasSize(1);
        assertThat(again.get(0).attempt()).isEqualTo(2);
    }

    @Test
    void replicasNeverClaimTheSameTask() throws Exception {
        assumeTrue(servesReplicas(), "H2 is an embedded file database: one process, one claiming thread");
        for (int i = 0; i < 40; i++) {
            log.record(resolution("PR" + i, "r" + i, T0));
        }
        Outbox[] replicas = new Outbox[4];
        for (int i = 0; i < replicas.length; i++) {
            replicas[i] = new Outbox(database, clock, new OutboxSettings(5, Duration.ofMinutes(5),
                    Duration.ofSeconds(5), Duration.ofMinutes(15)), () -> { });
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
        log.record(resolution("PX7", "r", T0));

        outbox.failed(outbox.claimDue().get(0), new TransientFailure("Jira answered HTTP 503", null));
        assertThat(nextAttempt()).isEqualTo(T0.plusSeconds(5));
        assertThat(outbox.claimDue()).as("not due before its backoff").isEmpty();

        clock.advance(Duration.ofSeconds(5));
        outbox.failed(outbox.claimDue().get(0), new TransientFailure("Jira answered HTTP 503", null));
        assertThat(nextAttempt()).isEqualTo(T0.plusSeconds(5 + 10));

        clock.advance(Duration.ofSeconds(10));
        outbox.failed(outbox.claimDue().get(0), new TransientFailure("Jira answered HTTP 429", Duration.ofSeconds(90)));
        assertThat(nextAttempt()).as("Retry-After longer than the backoff wins").isEqualTo(T0.plusSeconds(15 + 90));
        assertThat(rows(IncidentLog.POSTMORTEM_DRAFT).get(0).lastError()).isEqualTo("Jira answered HTTP 429");
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
        log.record(resolution("PX8", "r", T0));
        outbox.failed(outbox.claimDue().get(0), new PermanentFailure("Jira refused: fix jira.priority-map"));

        clock.advance(Duration.ofDays(1));
        assertThat(outbox.claimDue()).isEmpty();
        assertThat(outbox.backlog()).isEqualTo(new Backlog(0, 1));
        assertThat(rows(IncidentLog.POSTMORTEM_DRAFT).get(0).lastError())
                .isEqualTo("Jira refused: fix jira.priority-map");

        assertThat(outbox.retryParked()).isEqualTo(1);
        assertThat(outbox.claimDue()).hasSize(1);
    }

    @Test
    void completedTasksAreNotClaimedAgain() {
        log.record(resolution("PX9", "r", T0));
        outbox.completed(outbox.claimDue().get(0));

        clock.advance(Duration.ofDays(1));
        assertThat(outbox.claimDue()).isEmpty();
        assertThat(outbox.backlog()).isEqualTo(new Backlog(0, 0));
    }

    @Test
    void retentionDeletesWhatIsDoneAndOldAndKeepsIncidentsAndOpenWork() {
        receive("old-read", Refdata.bytes("webhook-samples/pagerduty-v3/zulip/resolved_v3.json"));
        intake.takeInPending();
        log.record(resolution("PX20", "r20", T0));
        log.record(resolution("PX21", "r21", T0));
        List<OutboxTask> tasks = outbox.claimDue();
        outbox.completed(tasks.get(0));
        outbox.failed(tasks.get(1), new PermanentFailure("Jira refused: fix jira.priority-map"));
        clock.advance(Duration.ofDays(31));
        receive("new-unread", Refdata.bytes("webhook-samples/pagerduty-v3/zulip/triggered_v3.json"));

        new Retention(database.jdbi(), clock, Duration.ofDays(30)).deleteExpired();

        List<String> deliveries = database.jdbi().withHandle(h -> h.createQuery("SELECT delivery_id FROM inbox")
                .mapTo(String.class).list());
        assertThat(deliveries).containsExactly("new-unread");
        assertThat(rows(IncidentLog.POSTMORTEM_DRAFT)).extracting(OutboxRows.Row::status)
                .as("the parked task and the one never claimed stay").containsExactlyInAnyOrder("failed", "pending");
        assertThat(log.incident(Source.PAGERDUTY, "PCPZE64")).isPresent();
        assertThat(log.incident(Source.PAGERDUTY, "PX20")).isPresent();
    }

    @Test
    void reportsItselfReady() {
        assertThat(database.check(Duration.ofSeconds(1))).isNull();
    }

    private Instant nextAttempt() {
        return rows(IncidentLog.POSTMORTEM_DRAFT).get(0).nextAttemptAt();
    }

    private List<OutboxRows.Row> rows(String kind) {
        return OutboxRows.of(database.jdbi(), kind);
    }

    private Inbox.Receipt receive(String delivery, byte[] body) {
        return inbox.receive(Source.PAGERDUTY, delivery, "incident.test", body);
    }

    private String inboxRow(String delivery) {
        return database.jdbi().withHandle(h -> h.createQuery(
                        "SELECT status, last_error FROM inbox WHERE delivery_id = :d")
                .bind("d", delivery)
                .map((rs, ctx) -> rs.getString("status") + ": " + rs.getString("last_error"))
                .one());
    }

    private static WebhookReader reader(Function<byte[], WebhookEvent> read) {
        return new WebhookReader() {
            @Override
            public Source source() {
                return Source.PAGERDUTY;
            }

            @Override
            public WebhookEvent read(byte[] body) {
                return read.apply(body);
            }
        };
    }

    private static WebhookEvent resolution(String incident, String key, Instant at) {
        return new WebhookEvent(key, "incident.resolved", snapshot(incident, at), event(key, EventKind.RESOLVED, at),
                true);
    }

    private static WebhookEvent noteEvent(String incident, String noteId, Instant at) {
        return new WebhookEvent(noteId, "incident.annotated", IncidentSnapshot.reference(Source.PAGERDUTY, incident,
                "Checkout latency", null), note(noteId, at), false);
    }

    private static IncidentSnapshot status(String id, IncidentStatus status) {
        return new IncidentSnapshot(Source.PAGERDUTY, id, null, "Test incident " + id, null, null, null, "high",
                status, null, null, null);
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
