package io.postmortembridge.incident.pagerduty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.StreamSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.postmortembridge.incident.Actor;
import io.postmortembridge.incident.EventKind;
import io.postmortembridge.incident.IncidentEvent;
import io.postmortembridge.incident.IncidentSnapshot;
import io.postmortembridge.incident.IncidentStatus;
import io.postmortembridge.incident.Origin;
import io.postmortembridge.incident.Source;
import io.postmortembridge.testsupport.Refdata;

/** PagerDuty's own REST examples (refdata/pagerduty/rest-examples, taken from its OpenAPI spec). */
class PagerDutyRecordsTest {

    private static final String REST = "pagerduty/rest-examples/";

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void getIncidentBecomesASnapshot() {
        JsonNode incident = read("getIncident.response.json").get("incident");

        IncidentSnapshot snapshot = PagerDutyRecords.incident("PT4KHLK", incident);

        assertThat(snapshot).isEqualTo(new IncidentSnapshot(Source.PAGERDUTY, "PT4KHLK", 1234L,
                "The server is on fire.", "PIJ90N7", "My Mail Service", "P2", "high", IncidentStatus.ACKNOWLEDGED,
                "https://subdomain.pagerduty.com/incidents/PT4KHLK", Instant.parse("2015-10-06T21:30:42Z"), null));
    }

    @Test
    void snapshotIsKeyedByTheIdAskedFor() {
        JsonNode incident = read("getIncident.response.json").get("incident");

        assertThat(PagerDutyRecords.incident("PASKED1", incident).externalId()).isEqualTo("PASKED1");
    }

    @Test
    void resolvedIncidentCarriesResolvedAt() {
        ObjectNode incident = (ObjectNode) read("getIncident.response.json").get("incident");
        incident.put("status", "resolved");
        incident.put("resolved_at", "2015-10-06T17:40:23-04:00");
        incident.putNull("priority");

        IncidentSnapshot snapshot = PagerDutyRecords.incident("PT4KHLK", incident);

        assertThat(snapshot.status()).isEqualTo(IncidentStatus.RESOLVED);
        assertThat(snapshot.resolvedAt()).isEqualTo(Instant.parse("2015-10-06T21:40:23Z"));
        assertThat(snapshot.priority()).isNull();
    }

    @Test
    void triggerLogEntryBecomesTriggeredWithItsDescription() {
        List<IncidentEvent> events = logEntries(read("listIncidentLogEntries.response.json"));

        assertThat(events).containsExactly(new IncidentEvent("log:Q02JTSNZWHSEKV", Origin.LOG_ENTRY,
                EventKind.TRIGGERED, Instant.parse("2015-11-07T00:14:20Z"),
                new Actor(Actor.Kind.SERVICE, "PIJ90N7", "My Mail Service"), null,
                "Tasks::SFDCValidator - PD_Data__c - duplicates"));
    }

    @Test
    void triggerWithoutDescriptionNamesItsChannel() {
        JsonNode entry = entry(e -> e.remove("event_details"));

        assertThat(PagerDutyRecords.logEntry(entry)).get().extracting(IncidentEvent::detail).isEqualTo("via api");
    }

    @Test
    void referenceTypesAreReadLikeTheirEntries() {
        JsonNode entry = entry(e -> e.put("type", "trigger_log_entry_reference"));

        assertThat(PagerDutyRecords.logEntry(entry)).get().extracting(IncidentEvent::kind).isEqualTo(EventKind.TRIGGERED);
    }

    @Test
    void annotateLogEntryIsSkipped() {
        JsonNode entry = entry(e -> e.put("type", "annotate_log_entry"));

        assertThat(PagerDutyRecords.logEntry(entry)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
            "acknowledge_log_entry, ACKNOWLEDGED, false",
            "unacknowledge_log_entry, UNACKNOWLEDGED, false",
            "resolve_log_entry, RESOLVED, false",
            "snooze_log_entry, SNOOZED, false",
            "urgency_change_log_entry, URGENCY_CHANGED, false",
            "repeat_escalation_path_log_entry, ESCALATION_REPEATED, true",
            "reach_ack_limit_log_entry, LIMIT_REACHED, true",
            "reach_trigger_limit_log_entry, LIMIT_REACHED, true",
            "field_value_change_log_entry, OTHER, false"})
    void everyLogEntryTypeHasItsKind(String type, EventKind kind, boolean signal) {
        Optional<IncidentEvent> event = PagerDutyRecords.logEntry(entry(e -> e.put("type", type)));

        assertThat(event).get().satisfies(e -> {
            assertThat(e.kind()).isEqualTo(kind);
            assertThat(e.kind().isSignal()).isEqualTo(signal);
            assertThat(e.key()).isEqualTo("log:Q02JTSNZWHSEKV");
            assertThat(e.origin()).isEqualTo(Origin.LOG_ENTRY);
        });
    }

    @Test
    void limitsSayWhichLimit() {
        assertThat(PagerDutyRecords.logEntry(entry(e -> e.put("type", "reach_ack_limit_log_entry"))))
                .get().extracting(IncidentEvent::detail).isEqualTo("acknowledgement limit");
        assertThat(PagerDutyRecords.logEntry(entry(e -> e.put("type", "reach_trigger_limit_log_entry"))))
                .get().extracting(IncidentEvent::detail).isEqualTo("trigger limit");
    }

    @Test
    void unknownTypeIsKeptAsOtherInWords() {
        assertThat(PagerDutyRecords.logEntry(entry(e -> e.put("type", "custom_field_value_change_log_entry"))))
                .get().extracting(IncidentEvent::kind, IncidentEvent::detail)
                .containsExactly(EventKind.OTHER, "custom field value change");
    }

    @Test
    void notifyLogEntryIsASignalToTheUserByTheNotificationChannel() {
        JsonNode entry = entry(e -> {
            e.put("type", "notify_log_entry");
            e.set("user", user("PXPGF42", "Earline Greenholt"));
            ObjectNode channel = e.putObject("channel");
            channel.put("type", "notification");
            channel.putObject("notification").put("type", "sms_notification").put("address", "+15555550100");
        });

        IncidentEvent event = PagerDutyRecords.logEntry(entry).orElseThrow();

        assertThat(event.kind()).isEqualTo(EventKind.NOTIFICATION);
        assertThat(event.kind().isSignal()).isTrue();
        assertThat(event.target()).isEqualTo(new Actor(Actor.Kind.PERSON, "PXPGF42", "Earline Greenholt"));
        assertThat(event.detail()).isEqualTo("sms");
        assertThat(event.occurredAt()).isEqualTo(Instant.parse("2015-11-07T00:14:20Z"));
    }

    @Test
    void notifyWithoutNotificationDetailsFallsBackToTheChannelType() {
        JsonNode entry = entry(e -> {
            e.put("type", "notify_log_entry");
            e.set("user", user("PXPGF42", "Earline Greenholt"));
            e.putObject("channel").put("type", "email_notification");
        });

        assertThat(PagerDutyRecords.logEntry(entry)).get().extracting(IncidentEvent::detail).isEqualTo("email");
    }

    @Test
    void exhaustedEscalationPathIsASignal() {
        IncidentEvent event = PagerDutyRecords.logEntry(entry(e -> {
            e.put("type", "exhaust_escalation_path_log_entry");
            e.putObject("channel").put("type", "auto");
        })).orElseThrow();

        assertThat(event.kind()).isEqualTo(EventKind.ESCALATION_EXHAUSTED);
        assertThat(event.kind().isSignal()).isTrue();
        assertThat(event.actor()).isEqualTo(new Actor(Actor.Kind.SERVICE, "PIJ90N7", "My Mail Service"));
    }

    @ParameterizedTest
    @CsvSource({"assign_log_entry, REASSIGNED", "escalate_log_entry, ESCALATED", "delegate_log_entry, DELEGATED"})
    void assignmentsTargetTheFirstAssignee(String type, EventKind kind) {
        IncidentEvent event = PagerDutyRecords.logEntry(entry(e -> {
            e.put("type", type);
            e.putArray("assignees").add(user("PXPGF42", "Earline Greenholt")).add(user("PL7A2O4", "Lee Turner"));
        })).orElseThrow();

        assertThat(event.kind()).isEqualTo(kind);
        assertThat(event.target()).isEqualTo(new Actor(Actor.Kind.PERSON, "PXPGF42", "Earline Greenholt"));
    }

    @Test
    void entryWithoutIdTimeOrTypeIsSkipped() {
        assertThat(PagerDutyRecords.logEntry(entry(e -> e.remove("id")))).isEmpty();
        assertThat(PagerDutyRecords.logEntry(entry(e -> e.remove("created_at")))).isEmpty();
        assertThat(PagerDutyRecords.logEntry(entry(e -> e.put("created_at", "last tuesday")))).isEmpty();
        assertThat(PagerDutyRecords.logEntry(entry(e -> e.remove("type")))).isEmpty();
    }

    @Test
    void notesBecomeTwoNotesWithTheirOffsetTimes() {
        JsonNode notes = read("listIncidentNotes.response.json").get("notes");

        List<IncidentEvent> events = StreamSupport.stream(notes.spliterator(), false)
                .map(PagerDutyRecords::note).flatMap(Optional::stream).toList();

        assertThat(events).containsExactly(
                new IncidentEvent("note:PWL7QXS", Origin.NOTE, EventKind.NOTE, Instant.parse("2013-03-06T20:28:51Z"),
                        new Actor(Actor.Kind.PERSON, "PXPGF42", "Earline Greenholt"), null,
                        "Firefighters are on the scene."),
                // a bot user (an event rule) is not a person
                new IncidentEvent("note:PCQC25", Origin.NOTE, EventKind.NOTE, Instant.parse("2013-03-06T20:28:42Z"),
                        new Actor(Actor.Kind.SYSTEM, "PXPGF42", "A Global Event Rule"), null,
                        "Initial alert information indicates a 1-alarm fire"));
    }

    @Test
    void restNoteAndWebhookNoteShareTheirKey() {
        ObjectNode note = (ObjectNode) read("listIncidentNotes.response.json").at("/notes/0");
        note.put("id", "PEMJB6G");

        assertThat(PagerDutyRecords.note(note)).get().extracting(IncidentEvent::key).isEqualTo("note:PEMJB6G");
    }

    @Test
    void relatedChangeEventsBecomeTwoChanges() {
        JsonNode changes = read("listIncidentRelatedChangeEvents.response.json").get("change_events");

        List<IncidentEvent> events = StreamSupport.stream(changes.spliterator(), false)
                .map(PagerDutyRecords::changeEvent).flatMap(Optional::stream).toList();

        Actor pipeline = new Actor(Actor.Kind.SYSTEM, null, "acme-build-pipeline-tool-default-i-9999");
        assertThat(events).containsExactly(
                new IncidentEvent("change:01BBYA6PEVW6A852BUO6QYUE7O", Origin.CHANGE_EVENT, EventKind.CHANGE,
                        Instant.parse("2020-07-17T08:42:58Z"), pipeline, null,
                        "Build Success - Increase snapshot create timeout to 30 seconds"),
                new IncidentEvent("change:01BBYA6PDIXPL8KO1HPIUL9CZN", Origin.CHANGE_EVENT, EventKind.CHANGE,
                        Instant.parse("2020-07-17T07:42:58Z"), pipeline, null,
                        "Build Success - Increase snapshot create timeout to 15 seconds"));
    }

    @Test
    void noteOrChangeWithoutIdOrTimeIsSkipped() {
        ObjectNode note = (ObjectNode) read("listIncidentNotes.response.json").at("/notes/0");
        note.remove("created_at");
        ObjectNode change = (ObjectNode) read("listIncidentRelatedChangeEvents.response.json").at("/change_events/0");
        change.remove("id");

        assertThat(PagerDutyRecords.note(note)).isEmpty();
        assertThat(PagerDutyRecords.changeEvent(change)).isEmpty();
    }

    // --- helpers -------------------------------------------------------------------------------

    private List<IncidentEvent> logEntries(JsonNode page) {
        return StreamSupport.stream(page.get("log_entries").spliterator(), false)
                .map(PagerDutyRecords::logEntry).flatMap(Optional::stream).toList();
    }

    /** The recorded trigger log entry with one change. */
    private JsonNode entry(Consumer<ObjectNode> change) {
        ObjectNode entry = (ObjectNode) read("listIncidentLogEntries.response.json").at("/log_entries/0");
        change.accept(entry);
        return entry;
    }

    /** A user reference shaped like the ones in getIncident.response.json. */
    private ObjectNode user(String id, String name) {
        ObjectNode user = json.createObjectNode();
        user.put("id", id).put("type", "user_reference").put("summary", name)
                .put("self", "https://api.pagerduty.com/users/" + id)
                .put("html_url", "https://subdomain.pagerduty.com/users/" + id);
        return user;
    }

    private JsonNode read(String file) {
        try {
            return json.readTree(Refdata.bytes(REST + file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
