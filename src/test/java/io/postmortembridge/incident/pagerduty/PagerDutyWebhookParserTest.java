package io.postmortembridge.incident.pagerduty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.postmortembridge.incident.Actor;
import io.postmortembridge.incident.EventKind;
import io.postmortembridge.incident.IncidentEvent;
import io.postmortembridge.incident.IncidentSnapshot;
import io.postmortembridge.incident.IncidentStatus;
import io.postmortembridge.incident.MalformedInputException;
import io.postmortembridge.incident.Origin;
import io.postmortembridge.incident.Source;
import io.postmortembridge.incident.WebhookEvent;
import io.postmortembridge.testsupport.Refdata;

/** The V3 webhook bodies recorded from real PagerDuty accounts, and hostile variants of them. */
class PagerDutyWebhookParserTest {

    private static final String ZULIP = "webhook-samples/pagerduty-v3/zulip/";
    private static final String CHECKOUT = "Critical: Checkout API High Latency";

    private final ObjectMapper json = new ObjectMapper();
    private final PagerDutyWebhookParser parser = new PagerDutyWebhookParser(json);

    /** file, event type, kind, incident id, title, priority, urgency, status, number, occurred_at, target id. */
    static Stream<Arguments> zulipRecordings() {
        return Stream.of(
                Arguments.of("acknowledged_v3.json", "incident.acknowledged", EventKind.ACKNOWLEDGED, "PQ1K5C8",
                        "Test Incident", null, "high", IncidentStatus.ACKNOWLEDGED, 10L, "2021-06-04T13:55:30.394Z", null),
                Arguments.of("annotated_v3.json", "incident.annotated", EventKind.NOTE, "Q3B15VLMF3ASBD",
                        CHECKOUT, null, null, null, null, "2026-04-01T02:18:59.674Z", null),
                Arguments.of("delegated_v3.json", "incident.delegated", EventKind.DELEGATED, "Q3B15VLMF3ASBD",
                        CHECKOUT, "P1", "high", IncidentStatus.TRIGGERED, 5L, "2026-04-01T02:13:20.295Z", "PXRUEF2"),
                Arguments.of("escalate_v3.json", "incident.escalated", EventKind.ESCALATED, "Q3B15VLMF3ASBD",
                        CHECKOUT, "P1", "high", IncidentStatus.TRIGGERED, 5L, "2026-04-01T02:08:04.642Z", "PXRUEF2"),
                Arguments.of("priority_updated_v3.json", "incident.priority_updated", EventKind.PRIORITY_CHANGED,
                        "Q3B15VLMF3ASBD", CHECKOUT, "P2", "high", IncidentStatus.TRIGGERED, 5L,
                        "2026-04-01T02:15:36.315Z", null),
                Arguments.of("reassigned_v3.json", "incident.reassigned", EventKind.REASSIGNED, "PIQUG8X",
                        "Test Incident", null, "high", IncidentStatus.TRIGGERED, 3L, "2021-06-04T10:17:54.838Z", "PI9DT01"),
                Arguments.of("reopened_v3.json", "incident.reopened", EventKind.REOPENED, "Q05XJA8GDXGOB3",
                        "Test Incident 2", "P3", "low", IncidentStatus.TRIGGERED, 4L, "2026-04-01T02:15:02.274Z", null),
                Arguments.of("resolved_v3.json", "incident.resolved", EventKind.RESOLVED, "PCPZE64",
                        "Test Incident", null, "high", IncidentStatus.RESOLVED, 6L, "2021-06-04T13:16:53.816Z", null),
                Arguments.of("status_updated_v3.json", "incident.status_update_published", EventKind.STATUS_UPDATE,
                        "Q3B15VLMF3ASBD", CHECKOUT, null, null, null, null, "2026-04-01T02:17:41.211Z", null),
                Arguments.of("triggered_v3.json", "incident.triggered", EventKind.TRIGGERED, "PFQZPSY",
                        "Test Incident 3", null, "high", IncidentStatus.TRIGGERED, 9L, "2021-06-04T13:35:29.781Z", "PJ0LVEB"),
                Arguments.of("unacknowledged_v3.json", "incident.unacknowledged", EventKind.UNACKNOWLEDGED, "PQ1K5C8",
                        "Test Incident", null, "high", IncidentStatus.TRIGGERED, 10L, "2021-06-04T13:54:23.185Z", null));
    }

    @Test
    void everyRecordedV3FileHasAnExpectation() throws IOException {
        Set<String> expected = zulipRecordings().map(a -> (String) a.get()[0]).collect(Collectors.toSet());
        try (Stream<Path> files = Files.list(Refdata.path(ZULIP + "triggered_v3.json").getParent())) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("zulipRecordings")
    void recordedV3WebhookParses(String file, String eventType, EventKind kind, String incidentId, String title,
            String priority, String urgency, IncidentStatus status, Long number, String occurredAt, String targetId) {
        byte[] body = Refdata.bytes(ZULIP + file);
        JsonNode recorded = tree(body);

        WebhookEvent parsed = parser.read(body);

        assertThat(parsed.isUsed()).isTrue();
        assertThat(parsed.eventId()).isEqualTo(recorded.at("/event/id").asText());
        assertThat(parsed.eventType()).isEqualTo(eventType);
        assertThat(parsed.resolution()).isEqualTo(kind == EventKind.RESOLVED);

        IncidentSnapshot incident = parsed.incident();
        assertThat(incident.source()).isEqualTo(Source.PAGERDUTY);
        assertThat(incident.externalId()).isEqualTo(incidentId);
        assertThat(incident.title()).isEqualTo(title);
        assertThat(incident.priority()).isEqualTo(priority);
        assertThat(incident.urgency()).isEqualTo(urgency);
        assertThat(incident.status()).isEqualTo(status);
        assertThat(incident.number()).isEqualTo(number);

        IncidentEvent event = parsed.event();
        assertThat(event.kind()).isEqualTo(kind);
        assertThat(event.origin()).isEqualTo(Origin.WEBHOOK);
        assertThat(event.occurredAt()).isEqualTo(Instant.parse(occurredAt));
        assertThat(event.actor()).isEqualTo(new Actor(Actor.Kind.PERSON, recorded.at("/event/agent/id").asText(),
                recorded.at("/event/agent/summary").asText()));
        if (targetId == null) {
            assertThat(event.target()).isNull();
        } else {
            assertThat(event.target().id()).isEqualTo(targetId);
            assertThat(event.target().kind()).isEqualTo(Actor.Kind.PERSON);
        }
        if (kind != EventKind.NOTE) {
            assertThat(event.key()).isEqualTo("event:" + parsed.eventId());
        }
    }

    @Test
    void resolvedWebhookCarriesTheResolutionAtOccurredAt() {
        WebhookEvent parsed = parser.read(Refdata.bytes(ZULIP + "resolved_v3.json"));

        assertThat(parsed.resolution()).isTrue();
        assertThat(parsed.incident().status()).isEqualTo(IncidentStatus.RESOLVED);
        assertThat(parsed.incident().resolvedAt()).isEqualTo(Instant.parse("2021-06-04T13:16:53.816Z"));
        assertThat(parsed.incident().serviceName()).isEqualTo("pig208");
        assertThat(parsed.incident().htmlUrl()).isEqualTo("https://pig208.pagerduty.com/incidents/PCPZE64");
        // the 2021 captures have no created_at
        assertThat(parsed.incident().startedAt()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"triggered_v3.json", "acknowledged_v3.json", "reopened_v3.json", "annotated_v3.json"})
    void onlyTheResolvedEventIsAResolution(String file) {
        WebhookEvent parsed = parser.read(Refdata.bytes(ZULIP + file));

        assertThat(parsed.resolution()).isFalse();
        assertThat(parsed.incident().resolvedAt()).isNull();
    }

    @Test
    void newerPayloadsCarryCreatedAtAsTheStart() {
        WebhookEvent parsed = parser.read(Refdata.bytes(ZULIP + "delegated_v3.json"));

        assertThat(parsed.incident().startedAt()).isEqualTo(Instant.parse("2026-04-01T02:07:30Z"));
        assertThat(parsed.incident().serviceName()).isEqualTo("Default Service");
        assertThat(parsed.event().detail()).isEqualTo("APIs-ep");
    }

    @Test
    void annotatedBecomesANoteKeyedByTheNoteId() {
        WebhookEvent parsed = parser.read(Refdata.bytes(ZULIP + "annotated_v3.json"));

        assertThat(parsed.event().kind()).isEqualTo(EventKind.NOTE);
        assertThat(parsed.event().key()).isEqualTo("note:PEMJB6G");
        assertThat(parsed.event().detail()).isEqualTo("Running KILL on long-running queries from the reporting-service.");
        assertThat(parsed.eventId()).isEqualTo("01GI0KTE33V5QXBVIJDEVJFUNE");
        assertThat(parsed.incident().htmlUrl()).isEqualTo("https://harsh0303.pagerduty.com/incidents/Q3B15VLMF3ASBD");
    }

    @Test
    void statusUpdateCarriesItsMessage() {
        WebhookEvent parsed = parser.read(Refdata.bytes(ZULIP + "status_updated_v3.json"));

        assertThat(parsed.event().kind()).isEqualTo(EventKind.STATUS_UPDATE);
        assertThat(parsed.event().detail()).startsWith("Investigating a P1 incident with the Checkout API in us-east-1.")
                .endsWith("next update at 08:15 UTC.");
    }

    @Test
    void priorityUpdateNamesTheNewPriority() {
        WebhookEvent parsed = parser.read(Refdata.bytes(ZULIP + "priority_updated_v3.json"));

        assertThat(parsed.event().detail()).isEqualTo("P2");
    }

    @Test
    void priorityRemovedIsNamedNone() {
        ObjectNode root = recording("priority_updated_v3.json");
        ((ObjectNode) root.at("/event/data")).putNull("priority");

        WebhookEvent parsed = parser.read(bytes(root));

        assertThat(parsed.event().kind()).isEqualTo(EventKind.PRIORITY_CHANGED);
        assertThat(parsed.event().detail()).isEqualTo("none");
        assertThat(parsed.incident().priority()).isNull();
    }

    @Test
    void documentedPriorityUpdatedExampleParses() {
        WebhookEvent parsed = parser.read(Refdata.bytes("pagerduty/webhook-v3-examples/02-incident.priority_updated.json"));

        assertThat(parsed.eventId()).isEqualTo("5ac64822-4adc-4fda-ade0-410becf0de4f");
        assertThat(parsed.incident()).isEqualTo(new IncidentSnapshot(Source.PAGERDUTY, "PGR0VU2", 2L,
                "A little bump in the road", "PF9KMXH", "API Service", "P1", "high", IncidentStatus.TRIGGERED,
                "https://acme.pagerduty.com/incidents/PGR0VU2", Instant.parse("2020-04-09T15:16:27Z"), null));
        assertThat(parsed.event()).isEqualTo(new IncidentEvent("event:5ac64822-4adc-4fda-ade0-410becf0de4f",
                Origin.WEBHOOK, EventKind.PRIORITY_CHANGED, Instant.parse("2020-10-02T18:45:22.169Z"),
                new Actor(Actor.Kind.PERSON, "PLH1HKV", "Tenex Engineer"), null, "P1"));
        assertThat(parsed.resolution()).isFalse();
    }

    @Test
    void signatureTestVectorBodyParses() {
        WebhookEvent parsed = parser.read(Refdata.bytes("pagerduty/webhook-v3-signature-testvector.body.json"));

        assertThat(parsed.eventId()).isEqualTo("01BWDWL3NYY7LUFPZCC28QUCMK");
        assertThat(parsed.eventType()).isEqualTo("incident.priority_updated");
        assertThat(parsed.incident().externalId()).isEqualTo("PGR0VU2");
        assertThat(parsed.incident().priority()).isEqualTo("P1");
        assertThat(parsed.event().kind()).isEqualTo(EventKind.PRIORITY_CHANGED);
        assertThat(parsed.event().occurredAt()).isEqualTo(Instant.parse("2021-04-26T17:36:27.458Z"));
    }

    @Test
    void serviceEventsAreUnused() {
        WebhookEvent parsed = parser.read(Refdata.bytes("pagerduty/webhook-v3-examples/03-service.updated.json"));

        assertThat(parsed.isUsed()).isFalse();
        assertThat(parsed.eventId()).isEqualTo("01BRB6ZP4M6T8ZG4X6BP63ZB9O");
        assertThat(parsed.eventType()).isEqualTo("service.updated");
        assertThat(parsed.incident()).isNull();
        assertThat(parsed.event()).isNull();
        assertThat(parsed.resolution()).isFalse();
    }

    @Test
    void incidentEventWithoutAnIncidentInItsDataIsUnused() {
        ObjectNode root = recording("triggered_v3.json");
        ObjectNode event = (ObjectNode) root.get("event");
        event.put("event_type", "incident.role.assigned");
        event.set("data", tree(Refdata.bytes("pagerduty/webhook-v3-examples/08-incident_role_assignment.json")));

        WebhookEvent parsed = parser.read(bytes(root));

        assertThat(parsed.isUsed()).isFalse();
        assertThat(parsed.eventType()).isEqualTo("incident.role.assigned");
    }

    @Test
    void responderAddedNamesTheRequestedResponder() {
        ObjectNode root = recording("triggered_v3.json");
        ObjectNode event = (ObjectNode) root.get("event");
        event.put("event_type", "incident.responder.added");
        event.set("data", tree(Refdata.bytes("pagerduty/webhook-v3-examples/10-incident_responder.json")));

        WebhookEvent parsed = parser.read(bytes(root));

        assertThat(parsed.incident().externalId()).isEqualTo("PGR0VU2");
        assertThat(parsed.event().kind()).isEqualTo(EventKind.RESPONDER_REQUESTED);
        assertThat(parsed.event().target()).isEqualTo(new Actor(Actor.Kind.PERSON, "PVMGSML", "Maeve"));
        assertThat(parsed.event().detail()).isEqualTo("Please help me make the tests pass");
    }

    @Test
    void unknownIncidentEventIsKeptAsOther() {
        ObjectNode root = recording("triggered_v3.json");
        ((ObjectNode) root.get("event")).put("event_type", "incident.custom_field_values.updated");

        WebhookEvent parsed = parser.read(bytes(root));

        assertThat(parsed.isUsed()).isTrue();
        assertThat(parsed.event().kind()).isEqualTo(EventKind.OTHER);
        assertThat(parsed.event().detail()).isEqualTo("custom_field_values.updated");
    }

    @Test
    void legacyV2WebhookIsRefusedNamingV2AndV3() {
        byte[] body = Refdata.bytes("webhook-samples/pagerduty-v2-legacy/zulip/resolve_v2.json");

        assertThatThrownBy(() -> parser.read(body))
                .isInstanceOf(MalformedInputException.class)
                .hasMessageContaining("V2")
                .hasMessageContaining("V3");
    }

    @Test
    void nonJsonIsRefused() {
        assertMalformed("<html>hello</html>".getBytes(StandardCharsets.UTF_8), "JSON");
    }

    @Test
    void emptyBodyIsRefused() {
        assertMalformed(new byte[0], "empty");
        assertMalformed(null, "empty");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "[{\"event\":{}}]", "\"event\"", "42", "null"})
    void jsonThatIsNotAnObjectIsRefused(String body) {
        assertMalformed(body.getBytes(StandardCharsets.UTF_8), "JSON object");
    }

    @Test
    void truncatedJsonIsRefused() {
        byte[] body = Refdata.bytes(ZULIP + "triggered_v3.json");
        byte[] half = java.util.Arrays.copyOf(body, body.length / 2);

        assertMalformed(half, "JSON");
    }

    @ParameterizedTest
    @ValueSource(strings = {" {\"event\": {}}", " 42", "\n[]", "\"x\""})
    void aSecondJsonDocumentIsRefused(String after) {
        byte[] body = (new String(Refdata.bytes(ZULIP + "triggered_v3.json"), StandardCharsets.UTF_8) + after)
                .getBytes(StandardCharsets.UTF_8);

        assertMalformed(body, "the body must be one JSON object and nothing after it");
    }

    @ParameterizedTest
    @ValueSource(strings = {" garbage", "}", ",", "\u0000"})
    void garbageAfterTheJsonObjectIsRefused(String after) {
        byte[] body = (new String(Refdata.bytes(ZULIP + "triggered_v3.json"), StandardCharsets.UTF_8) + after)
                .getBytes(StandardCharsets.UTF_8);

        assertMalformed(body, "JSON");
    }

    @Test
    void trailingWhitespaceIsFine() {
        byte[] body = (new String(Refdata.bytes(ZULIP + "triggered_v3.json"), StandardCharsets.UTF_8) + " \r\n")
                .getBytes(StandardCharsets.UTF_8);

        assertThat(parser.read(body).isUsed()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"+999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z", "1969-12-31T23:59:59Z",
            "+10000-01-01T00:00:00Z"})
    void occurredAtNoDatabaseCanStoreIsRefused(String occurredAt) {
        assertMalformed(changed("triggered_v3.json", e -> e.put("occurred_at", occurredAt)),
                "event.occurred_at is missing or not an ISO-8601 time between the years 1970 and 9999");
    }

    @Test
    void incidentCreatedAtOutOfRangeIsLeftUnknown() {
        ObjectNode root = recording("triggered_v3.json");
        ((ObjectNode) root.at("/event/data")).put("created_at", "+999999999-12-31T23:59:59Z");

        assertThat(parser.read(bytes(root)).incident().startedAt()).isNull();
    }

    @Test
    void objectWithoutEventIsRefused() {
        assertMalformed("{\"id\":\"x\"}".getBytes(StandardCharsets.UTF_8), "'event'");
        ObjectNode root = recording("triggered_v3.json");
        root.put("event", "incident.triggered");
        assertMalformed(bytes(root), "'event'");
    }

    @Test
    void missingEventIdIsRefused() {
        assertMalformed(changed("triggered_v3.json", e -> e.remove("id")), "event.id");
        assertMalformed(changed("triggered_v3.json", e -> e.put("id", "")), "event.id");
        assertMalformed(changed("triggered_v3.json", e -> e.putNull("id")), "event.id");
    }

    @Test
    void missingEventTypeIsRefused() {
        assertMalformed(changed("triggered_v3.json", e -> e.remove("event_type")), "event.event_type");
    }

    @ParameterizedTest
    @ValueSource(strings = {"yesterday", "2021-06-04 13:35:29", "2021-06-04T13:35:29.781", "2021-13-04T13:35:29Z", ""})
    void badOccurredAtIsRefused(String occurredAt) {
        assertMalformed(changed("triggered_v3.json", e -> e.put("occurred_at", occurredAt)), "event.occurred_at");
    }

    @Test
    void missingOccurredAtIsRefused() {
        assertMalformed(changed("triggered_v3.json", e -> e.remove("occurred_at")), "event.occurred_at");
    }

    @Test
    void occurredAtWithAnOffsetIsRead() {
        WebhookEvent parsed = parser.read(changed("triggered_v3.json",
                e -> e.put("occurred_at", "2021-06-04T15:35:29.781+02:00")));

        assertThat(parsed.event().occurredAt()).isEqualTo(Instant.parse("2021-06-04T13:35:29.781Z"));
    }

    @Test
    void missingDataIsRefused() {
        assertMalformed(changed("triggered_v3.json", e -> e.remove("data")), "event.data");
        assertMalformed(changed("triggered_v3.json", e -> e.put("data", "PFQZPSY")), "event.data");
    }

    @ParameterizedTest
    @MethodSource("hostileIds")
    void incidentIdThatIsNotAPagerDutyIdIsRefused(String id) {
        assertMalformed(changed("triggered_v3.json", e -> ((ObjectNode) e.get("data")).put("id", id)), "event.data.id");
    }

    @ParameterizedTest
    @MethodSource("hostileIds")
    void referencedIncidentIdThatIsNotAPagerDutyIdIsRefused(String id) {
        assertMalformed(changed("annotated_v3.json", e -> ((ObjectNode) e.at("/data/incident")).put("id", id)),
                "event.data.incident.id");
    }

    static Stream<String> hostileIds() {
        return Stream.of("../../x", "A".repeat(100), "PCPZE64/../../admin", "PCPZE64?x=1", "PCP ZE64", "PCPZE64\n",
                "Q3B15VLMF3ASBD%2F", "ПЦПЗЕ64");
    }

    @Test
    void missingIncidentIdIsRefused() {
        assertMalformed(changed("triggered_v3.json", e -> ((ObjectNode) e.get("data")).remove("id")), "event.data.id");
        assertMalformed(changed("annotated_v3.json", e -> ((ObjectNode) e.at("/data/incident")).remove("id")),
                "event.data.incident.id");
    }

    @Test
    void longestAcceptedIdIsSixtyFourCharacters() {
        String id = "Q".repeat(64);
        WebhookEvent parsed = parser.read(changed("triggered_v3.json",
                e -> ((ObjectNode) e.get("data")).put("id", id)));

        assertThat(parsed.incident().externalId()).isEqualTo(id);
        assertMalformed(changed("triggered_v3.json", e -> ((ObjectNode) e.get("data")).put("id", id + "Q")),
                "event.data.id");
    }

    @Test
    void noteWithoutItsIdIsRefused() {
        assertMalformed(changed("annotated_v3.json", e -> ((ObjectNode) e.get("data")).remove("id")), "event.data.id");
    }

    // --- helpers -------------------------------------------------------------------------------

    private void assertMalformed(byte[] body, String namedInMessage) {
        assertThatThrownBy(() -> parser.read(body))
                .isInstanceOf(MalformedInputException.class)
                .hasMessageContaining(namedInMessage);
    }

    /** The recording with one change made to its {@code event} object. */
    private byte[] changed(String file, Consumer<ObjectNode> change) {
        ObjectNode root = recording(file);
        change.accept((ObjectNode) root.get("event"));
        return bytes(root);
    }

    private ObjectNode recording(String file) {
        return (ObjectNode) tree(Refdata.bytes(ZULIP + file));
    }

    private JsonNode tree(byte[] body) {
        try {
            return json.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private byte[] bytes(JsonNode node) {
        try {
            return json.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
