package io.postmortembridge.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.postmortembridge.incident.Actor;
import io.postmortembridge.incident.EventKind;
import io.postmortembridge.incident.IncidentEvent;
import io.postmortembridge.incident.Origin;
import io.postmortembridge.incident.pagerduty.PagerDutyWebhookParser;
import io.postmortembridge.testsupport.Refdata;

/**
 * Timelines drawn from the recorded PagerDuty V3 webhooks of incident Q3B15VLMF3ASBD
 * (refdata/webhook-samples/pagerduty-v3/zulip), alone or next to REST-shaped events.
 */
class TimelineTest {

    private static final String ZULIP = "webhook-samples/pagerduty-v3/zulip/";
    /** created_at of incident Q3B15VLMF3ASBD in the recordings. */
    private static final Instant CREATED = Instant.parse("2026-04-01T02:07:30Z");
    private static final Duration HOUR = Duration.ofHours(1);

    private static final Actor HARSH = new Actor(Actor.Kind.PERSON, "PXRUEF2", "Harsh Santwani");
    private static final Actor EARLINE = new Actor(Actor.Kind.PERSON, "PXPGF42", "Earline Greenholt");
    private static final Actor LEE = new Actor(Actor.Kind.PERSON, "PL7A2O4", "Lee Turner");
    private static final Actor MAIL_SERVICE = new Actor(Actor.Kind.SERVICE, "PIJ90N7", "My Mail Service");

    private final PagerDutyWebhookParser parser = new PagerDutyWebhookParser(new ObjectMapper());

    private IncidentEvent recorded(String file) {
        return parser.read(Refdata.bytes(ZULIP + file)).event();
    }

    /** The five recordings of incident Q3B15VLMF3ASBD, newest first (not the order they happened). */
    private List<IncidentEvent> checkoutWebhooks() {
        return List.of(recorded("annotated_v3.json"), recorded("status_updated_v3.json"),
                recorded("priority_updated_v3.json"), recorded("delegated_v3.json"), recorded("escalate_v3.json"));
    }

    @Test
    void webhookOnlyTimelineIsInTimeOrder() {
        Timeline timeline = Timeline.of(checkoutWebhooks(), CREATED, HOUR);

        assertThat(timeline.trigger()).isEqualTo(CREATED);
        assertThat(timeline.events()).extracting(IncidentEvent::kind).containsExactly(
                EventKind.TRIGGERED, EventKind.ESCALATED, EventKind.DELEGATED, EventKind.PRIORITY_CHANGED, EventKind.STATUS_UPDATE,
                EventKind.NOTE);
        assertThat(timeline.entries(false)).extracting(TimelineEntry::at).containsExactly(
                CREATED, Instant.parse("2026-04-01T02:08:04.642Z"), Instant.parse("2026-04-01T02:13:20.295Z"),
                Instant.parse("2026-04-01T02:15:36.315Z"), Instant.parse("2026-04-01T02:17:41.211Z"),
                Instant.parse("2026-04-01T02:18:59.674Z"));
    }

    @Test
    void webhookOnlyEntriesNameTheResponderByRole() {
        List<TimelineEntry> entries = Timeline.of(checkoutWebhooks(), CREATED, HOUR).entries(false);

        assertThat(entries).extracting(TimelineEntry::what).containsExactly(
                "Triggered",
                "Escalated to on-call responder 1 by on-call responder 1",
                "Delegated to escalation policy APIs-ep by on-call responder 1",
                "Priority set to P2 by on-call responder 1",
                "Status update published by on-call responder 1: Investigating a P1 incident with the Checkout API "
                        + "in us-east-1. Customers may see 504 errors or delays during purchase. We've identified a "
                        + "database lock and are working on a fix. Expected remediation within 30 minutes; next update "
                        + "at 08:15 UTC.",
                "Note by on-call responder 1: Running KILL on long-running queries from the reporting-service.");
        assertThat(entries).noneMatch(TimelineEntry::signal);
        assertThat(entries).allSatisfy(e -> assertThat(e.what()).doesNotContain("Harsh").doesNotContain("Santwani"));
    }

    @Test
    void entriesWithNamesShowTheRespondersNames() {
        List<TimelineEntry> entries = Timeline.of(checkoutWebhooks(), CREATED, HOUR).entries(true);

        assertThat(entries.get(1).what()).isEqualTo("Escalated to Harsh Santwani by Harsh Santwani");
        assertThat(entries.get(5).what()).isEqualTo(
                "Note by Harsh Santwani: Running KILL on long-running queries from the reporting-service.");
        assertThat(entries).noneMatch(e -> e.what().contains("on-call responder"));
    }

    @Test
    void triggerIsTheFirstTriggeredEventWhenTheSourceGaveNoStart() {
        IncidentEvent triggered = recorded("triggered_v3.json");

        Timeline timeline = Timeline.of(List.of(recorded("acknowledged_v3.json"), triggered), null, HOUR);

        assertThat(timeline.trigger()).isEqualTo(Instant.parse("2021-06-04T13:35:29.781Z"));
        assertThat(timeline.entries(false)).extracting(TimelineEntry::what).containsExactly(
                "Triggered by on-call responder 1", "Acknowledged by on-call responder 1");
    }

    @Test
    void nothingSaysWhenItStarted() {
        Timeline timeline = Timeline.of(List.of(recorded("annotated_v3.json")), null, HOUR);

        assertThat(timeline.trigger()).isNull();
        assertThat(timeline.gaps(Instant.parse("2026-04-01T03:00:00Z")))
                .isEqualTo(new Gaps(null, null, null, null));
    }

    @Test
    void webhookCopiesGiveWayToLogEntries() {
        List<IncidentEvent> webhooks = Stream.of("triggered_v3.json", "acknowledged_v3.json", "unacknowledged_v3.json",
                "escalate_v3.json", "reassigned_v3.json", "delegated_v3.json", "resolved_v3.json",
                "priority_updated_v3.json", "status_updated_v3.json", "reopened_v3.json", "annotated_v3.json")
                .map(this::recorded).toList();
        List<IncidentEvent> all = new ArrayList<>(webhooks);
        all.add(log("log:T", EventKind.TRIGGERED, "2026-04-01T02:07:30Z", MAIL_SERVICE, null, "disk full"));
        all.add(log("log:A", EventKind.ACKNOWLEDGED, "2026-04-01T02:09:00Z", HARSH, null, null));
        all.add(log("log:R", EventKind.RESOLVED, "2026-04-01T02:30:00Z", HARSH, null, null));

        Timeline timeline = Timeline.of(all, CREATED, HOUR);

        assertThat(timeline.events())
                .filteredOn(e -> e.origin() == Origin.WEBHOOK)
                .extracting(IncidentEvent::kind)
                .containsExactlyInAnyOrder(EventKind.PRIORITY_CHANGED, EventKind.STATUS_UPDATE, EventKind.REOPENED,
                        EventKind.NOTE);
        assertThat(timeline.events())
                .filteredOn(e -> e.origin() == Origin.LOG_ENTRY)
                .extracting(IncidentEvent::key)
                .containsExactly("log:T", "log:A", "log:R");
        assertThat(timeline.events()).hasSize(7);
        assertThat(timeline.events()).extracting(IncidentEvent::occurredAt).isSorted();
    }

    @Test
    void withoutLogEntriesEveryWebhookIsKept() {
        List<IncidentEvent> webhooks = Stream.of("triggered_v3.json", "acknowledged_v3.json", "unacknowledged_v3.json",
                "escalate_v3.json", "reassigned_v3.json", "delegated_v3.json", "resolved_v3.json",
                "priority_updated_v3.json", "status_updated_v3.json", "reopened_v3.json", "annotated_v3.json")
                .map(this::recorded).toList();
        List<IncidentEvent> withRestNotes = new ArrayList<>(webhooks);
        // notes and change events from REST are not log entries: they do not replace the webhook copies
        withRestNotes.add(new IncidentEvent("note:PWL7QXS", Origin.NOTE, EventKind.NOTE,
                Instant.parse("2021-06-04T13:40:00Z"), EARLINE, null, "Firefighters are on the scene."));

        Timeline timeline = Timeline.of(withRestNotes, null, HOUR);

        assertThat(timeline.events()).hasSize(12);
        assertThat(timeline.events()).extracting(IncidentEvent::occurredAt).isSorted();
    }

    @Test
    void distinctNotesFromWebhookAndRestAreBothShown() {
        IncidentEvent webhookNote = recorded("annotated_v3.json");
        IncidentEvent restNote = new IncidentEvent("note:PWL7QXS", Origin.NOTE, EventKind.NOTE,
                Instant.parse("2026-04-01T02:20:00Z"), EARLINE, null, "Firefighters are on the scene.");
        IncidentEvent trigger = log("log:T", EventKind.TRIGGERED, "2026-04-01T02:07:30Z", MAIL_SERVICE, null, null);

        Timeline timeline = Timeline.of(List.of(restNote, webhookNote, trigger), CREATED, HOUR);

        assertThat(timeline.events()).extracting(IncidentEvent::key)
                .containsExactly("log:T", "note:PEMJB6G", "note:PWL7QXS");
        assertThat(timeline.entries(false)).extracting(TimelineEntry::what).containsExactly(
                "Triggered by service My Mail Service",
                "Note by on-call responder 1: Running KILL on long-running queries from the reporting-service.",
                "Note by on-call responder 2: Firefighters are on the scene.");
    }

    @Test
    void recordedChangeEventsAreKeptOnlyWithinTheWindowBeforeTheTrigger() {
        // the two related change events of PagerDuty's REST example: 07:42:58 and 08:42:58
        IncidentEvent older = change("change:01BBYA6PDIXPL8KO1HPIUL9CZN", "2020-07-17T07:42:58Z",
                "Build Success - Increase snapshot create timeout to 15 seconds");
        IncidentEvent newer = change("change:01BBYA6PEVW6A852BUO6QYUE7O", "2020-07-17T08:42:58Z",
                "Build Success - Increase snapshot create timeout to 30 seconds");
        Instant trigger = Instant.parse("2020-07-17T09:00:00Z");

        Timeline timeline = Timeline.of(List.of(newer, older), trigger, HOUR);

        assertThat(timeline.events()).filteredOn(e -> e.kind() == EventKind.CHANGE).containsExactly(newer);
        assertThat(timeline.entries(false)).extracting(TimelineEntry::what).containsExactly(
                "Change from acme-build-pipeline-tool-default-i-9999: Build Success - Increase snapshot create "
                        + "timeout to 30 seconds", "Triggered");
        assertThat(Timeline.of(List.of(newer, older), trigger, Duration.ofHours(2)).events())
                .filteredOn(e -> e.kind() == EventKind.CHANGE).containsExactly(older, newer);
    }

    @Test
    void changeWindowBoundsAreInclusive() {
        Instant trigger = Instant.parse("2020-07-17T09:00:00Z");
        IncidentEvent tooEarly = change("change:1", "2020-07-17T07:59:59Z", "too early");
        IncidentEvent windowStart = change("change:2", "2020-07-17T08:00:00Z", "at the window start");
        IncidentEvent atTrigger = change("change:3", "2020-07-17T09:00:00Z", "at the trigger");
        IncidentEvent after = change("change:4", "2020-07-17T09:00:01Z", "after the trigger");

        Timeline timeline = Timeline.of(List.of(after, atTrigger, windowStart, tooEarly), trigger, HOUR);

        assertThat(timeline.events()).filteredOn(e -> e.kind() == EventKind.CHANGE)
                .containsExactly(windowStart, atTrigger);
    }

    @Test
    void changesAreDroppedWhenTheTriggerIsUnknown() {
        IncidentEvent deploy = change("change:1", "2020-07-17T08:42:58Z", "deploy");
        IncidentEvent note = new IncidentEvent("note:1", Origin.NOTE, EventKind.NOTE,
                Instant.parse("2020-07-17T09:10:00Z"), EARLINE, null, "looking");

        Timeline timeline = Timeline.of(List.of(deploy, note), null, HOUR);

        assertThat(timeline.events()).containsExactly(note);
    }

    @Test
    void changeWindowIsMeasuredFromTheFirstTriggeredEventWhenNoStartIsGiven() {
        IncidentEvent deploy = change("change:1", "2021-06-04T13:00:00Z", "deploy 42");
        IncidentEvent triggered = recorded("triggered_v3.json"); // 13:35:29.781Z

        Timeline timeline = Timeline.of(List.of(triggered, deploy), null, HOUR);

        assertThat(timeline.events()).containsExactly(deploy, triggered);
        assertThat(timeline.gaps(null).changeToTrigger()).isEqualTo(Duration.parse("PT35M29.781S"));
    }

    @Test
    void peopleBecomeRespondersInOrderOfFirstAppearance() {
        List<IncidentEvent> events = new ArrayList<>(List.of(
                log("log:1", EventKind.TRIGGERED, "2026-04-01T02:07:30Z", MAIL_SERVICE, null, "disk full"),
                log("log:2", EventKind.NOTIFICATION, "2026-04-01T02:07:31Z", MAIL_SERVICE, LEE, "sms"),
                log("log:3", EventKind.ESCALATED, "2026-04-01T02:12:30Z", MAIL_SERVICE, EARLINE, null),
                log("log:4", EventKind.ACKNOWLEDGED, "2026-04-01T02:13:00Z", EARLINE, null, null),
                log("log:5", EventKind.REASSIGNED, "2026-04-01T02:14:00Z", EARLINE, LEE, null),
                log("log:6", EventKind.RESOLVED, "2026-04-01T02:40:00Z", LEE, null, null)));
        Collections.reverse(events);

        List<TimelineEntry> entries = Timeline.of(events, null, HOUR).entries(false);

        assertThat(entries).extracting(TimelineEntry::what).containsExactly(
                "Triggered by service My Mail Service: disk full",
                "Notification sent to on-call responder 1 by sms",
                "Escalated to on-call responder 2 by service My Mail Service",
                "Acknowledged by on-call responder 2",
                "Reassigned to on-call responder 1 by on-call responder 2",
                "Resolved by on-call responder 1");
        assertThat(entries).extracting(TimelineEntry::signal).containsExactly(false, true, false, false, false, false);
    }

    @Test
    void samePersonKeepsTheSameRoleAcrossWebhookAndRestEvents() {
        // Harsh as the webhook agent and, with the same id, as a REST note's user
        IncidentEvent restNote = new IncidentEvent("note:X1", Origin.NOTE, EventKind.NOTE,
                Instant.parse("2026-04-01T02:30:00Z"), new Actor(Actor.Kind.PERSON, "PXRUEF2", "Harsh S."), null,
                "rolled back");
        IncidentEvent earlier = new IncidentEvent("note:X0", Origin.NOTE, EventKind.NOTE,
                Instant.parse("2026-04-01T02:07:00Z"), EARLINE, null, "paging");
        List<IncidentEvent> events = new ArrayList<>(checkoutWebhooks());
        events.add(restNote);
        events.add(earlier);

        List<TimelineEntry> entries = Timeline.of(events, CREATED, HOUR).entries(false);

        assertThat(entries.get(0).what()).isEqualTo("Note by on-call responder 1: paging");
        assertThat(entries.get(1).what()).isEqualTo("Triggered");
        assertThat(entries.get(2).what()).isEqualTo("Escalated to on-call responder 2 by on-call responder 2");
        assertThat(entries.get(entries.size() - 1).what()).isEqualTo("Note by on-call responder 2: rolled back");
    }

    @Test
    void integrationsAndServicesAreNamedAsSuch() {
        IncidentEvent byService = log("log:1", EventKind.TRIGGERED, "2015-11-07T00:14:20Z", MAIL_SERVICE, null,
                "Tasks::SFDCValidator - PD_Data__c - duplicates");
        IncidentEvent bySystem = log("log:2", EventKind.NOTE, "2015-11-07T00:15:00Z",
                new Actor(Actor.Kind.SYSTEM, "PXPGF42", "A Global Event Rule"), null, "1-alarm fire");
        IncidentEvent byNobody = log("log:3", EventKind.ESCALATED, "2015-11-07T00:16:00Z",
                new Actor(Actor.Kind.SYSTEM, null, null), null, null);

        List<TimelineEntry> entries = Timeline.of(List.of(byService, bySystem, byNobody), null, HOUR).entries(false);

        assertThat(entries).extracting(TimelineEntry::what).containsExactly(
                "Triggered by service My Mail Service: Tasks::SFDCValidator - PD_Data__c - duplicates",
                "Note by A Global Event Rule: 1-alarm fire",
                "Escalated by an integration");
    }

    @Test
    void signalsAreDescribedAsWhatTheToolingDid() {
        List<IncidentEvent> events = List.of(
                log("log:1", EventKind.ESCALATION_EXHAUSTED, "2026-04-01T02:30:00Z", MAIL_SERVICE, null, null),
                log("log:2", EventKind.ESCALATION_REPEATED, "2026-04-01T02:31:00Z", MAIL_SERVICE, null, null),
                log("log:3", EventKind.LIMIT_REACHED, "2026-04-01T02:32:00Z", MAIL_SERVICE, null, "trigger limit"));

        List<TimelineEntry> entries = Timeline.of(events, null, HOUR).entries(false);

        assertThat(entries).extracting(TimelineEntry::what).containsExactly(
                "Escalation reached nobody: the escalation path was exhausted",
                "Escalation policy started over: nobody acknowledged",
                "Limit reached: trigger limit");
        assertThat(entries).allMatch(TimelineEntry::signal);
    }

    @Test
    void gapsFromChangeTriggerFirstAcknowledgementAndResolution() {
        List<IncidentEvent> events = List.of(
                change("change:old", "2026-04-01T01:20:00Z", "deploy 41"),
                change("change:new", "2026-04-01T01:57:30Z", "deploy 42"),
                log("log:a0", EventKind.ACKNOWLEDGED, "2026-04-01T01:00:00Z", EARLINE, null, null),
                log("log:t", EventKind.TRIGGERED, "2026-04-01T02:07:30Z", MAIL_SERVICE, null, null),
                log("log:a1", EventKind.ACKNOWLEDGED, "2026-04-01T02:09:15Z", HARSH, null, null),
                log("log:a2", EventKind.ACKNOWLEDGED, "2026-04-01T02:20:00Z", EARLINE, null, null));

        Gaps gaps = Timeline.of(events, CREATED, HOUR).gaps(Instant.parse("2026-04-01T03:52:30Z"));

        assertThat(gaps).isEqualTo(new Gaps(Duration.ofMinutes(10), "deploy 42", Duration.parse("PT1M45S"),
                Duration.parse("PT1H45M")));
    }

    @Test
    void gapsAreNullWhereAnEndIsUnknown() {
        Timeline timeline = Timeline.of(checkoutWebhooks(), CREATED, HOUR);

        assertThat(timeline.gaps(null)).isEqualTo(new Gaps(null, null, null, null));
        assertThat(timeline.gaps(Instant.parse("2026-04-01T02:37:30Z")))
                .isEqualTo(new Gaps(null, null, null, Duration.ofMinutes(30)));
    }

    @Test
    void resolutionBeforeTheTriggerGivesNoGap() {
        Timeline timeline = Timeline.of(checkoutWebhooks(), CREATED, HOUR);

        assertThat(timeline.gaps(CREATED.minusSeconds(1)).triggerToResolve()).isNull();
        assertThat(timeline.gaps(CREATED).triggerToResolve()).isEqualTo(Duration.ZERO);
    }

    @Test
    void escalationsAreCounted() {
        assertThat(Timeline.of(checkoutWebhooks(), CREATED, HOUR).escalations()).isEqualTo(1);
        assertThat(Timeline.of(List.of(recorded("annotated_v3.json")), CREATED, HOUR).escalations()).isZero();
    }

    @Test
    void escalationsCountedOnceWhenLogEntriesReplaceTheWebhookCopy() {
        List<IncidentEvent> events = new ArrayList<>(checkoutWebhooks());
        events.add(log("log:e", EventKind.ESCALATED, "2026-04-01T02:08:04Z", MAIL_SERVICE, HARSH, null));

        assertThat(Timeline.of(events, CREATED, HOUR).escalations()).isEqualTo(1);
    }

    // --- helpers -------------------------------------------------------------------------------

    private static IncidentEvent log(String key, EventKind kind, String at, Actor actor, Actor target, String detail) {
        return new IncidentEvent(key, Origin.LOG_ENTRY, kind, Instant.parse(at), actor, target, detail);
    }

    private static IncidentEvent change(String key, String at, String summary) {
        return new IncidentEvent(key, Origin.CHANGE_EVENT, EventKind.CHANGE, Instant.parse(at),
                new Actor(Actor.Kind.SYSTEM, null, "acme-build-pipeline-tool-default-i-9999"), null, summary);
    }

    @Test
    void incidentStartIsTheTriggerRowWhenNoTriggerWasDelivered() {
        Timeline timeline = Timeline.of(List.of(recorded("annotated_v3.json")), CREATED, HOUR);

        assertThat(timeline.events().get(0)).isEqualTo(new IncidentEvent("incident-started", Origin.WEBHOOK,
                EventKind.TRIGGERED, CREATED, null, null, null));
    }

    @Test
    void aDeliveredTriggerIsNotDoubled() {
        IncidentEvent triggered = recorded("triggered_v3.json");

        Timeline timeline = Timeline.of(List.of(triggered), triggered.occurredAt().minusSeconds(1), HOUR);

        assertThat(timeline.events()).containsExactly(triggered);
    }
}
