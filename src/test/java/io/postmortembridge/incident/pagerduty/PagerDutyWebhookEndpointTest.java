package io.postmortembridge.incident.pagerduty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.postmortembridge.incident.IncidentStatus;
import io.postmortembridge.incident.Source;
import io.postmortembridge.testsupport.ExampleIncident;
import io.postmortembridge.testsupport.Refdata;
import io.postmortembridge.testsupport.RunningBridge;
import io.postmortembridge.testsupport.Signed;

/**
 * {@code POST /webhooks/pagerduty} as PagerDuty and everyone else reach it: signatures, bodies of
 * every shape, and what is stored for each answer.
 */
class PagerDutyWebhookEndpointTest {

    /** The secret of go-pagerduty's published test vector (WEBHOOK-SIGNATURE-NOTE.md). */
    private static final String VECTOR_SECRET = "lDQHScfUeXUKaQRNF+8XIiDKZ7XX3itBAYzwU0TARw8lJqRnkKl2iB1anSb0Z+IK";
    private static final String VECTOR_SIGNATURE = "v1=0c0b9495b893a39e70d1fea2fe11fbe0a825f88b9f67846f6cc07dd2bc5476cd";
    private static final String ROTATED_SECRET = "the-next-secret";

    private static final ObjectMapper JSON = new ObjectMapper();

    private static RunningBridge bridge;

    @BeforeAll
    static void start() {
        Map<String, String> properties = RunningBridge.defaults(RunningBridge.workDir("webhook-endpoint"));
        properties.put("pagerduty.webhook-secret", VECTOR_SECRET + "," + ROTATED_SECRET);
        bridge = RunningBridge.start(properties);
    }

    @AfterAll
    static void stop() {
        bridge.close();
    }

    @Test
    void publishedTestVectorIsAcceptedAndStored() {
        byte[] body = Refdata.bytes("pagerduty/webhook-v3-signature-testvector.body.json");

        HttpResponse<String> answer = post(body, VECTOR_SIGNATURE, "vector-1");

        assertThat(answer.statusCode()).isEqualTo(202);
        assertThat(answer.body()).contains("\"status\":\"accepted\"").contains("\"incident\":\"PGR0VU2\"");
        await().untilAsserted(() -> assertThat(bridge.incidentLog().incident(Source.PAGERDUTY, "PGR0VU2"))
                .hasValueSatisfying(incident -> assertThat(incident.facts().priority()).isEqualTo("P1")));
    }

    @Test
    void signatureFromTheRotatedSecretIsAccepted() {
        byte[] body = Refdata.bytes("webhook-samples/pagerduty-v3/zulip/acknowledged_v3.json");
        String both = "v1=" + "0".repeat(64) + "," + Signed.pagerDuty(ROTATED_SECRET, body);

        assertThat(post(body, both, "rotated-1").statusCode()).isEqualTo(202);
        assertThat(bridge.inboxStatus("rotated-1")).isNotNull();
    }

    @Test
    void forgedSignatureIsRefusedAndNothingIsStored() {
        byte[] body = Refdata.bytes("webhook-samples/pagerduty-v3/zulip/triggered_v3.json");

        HttpResponse<String> answer = post(body, Signed.pagerDuty("not-the-secret", body), "forged-1");

        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(answer.body()).isEqualTo("{\"error\":\"invalid or missing X-PagerDuty-Signature\"}");
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(bridge.inboxStatus("forged-1")).as("nothing stored").isNull();
    }

    @Test
    void publishedMismatchingSignatureIsRefused() {
        byte[] body = Refdata.bytes("pagerduty/webhook-v3-signature-testvector.body.json");

        assertThat(post(body, "v1=7020c8a7ec668a9b7012bc3dd82e483394b038f4230acc6785efbf2a7d8bcaf5", "vector-2")
                .statusCode()).isEqualTo(401);
    }

    @Test
    void missingSignatureIsRefused() {
        HttpResponse<String> answer = bridge.post("/webhooks/pagerduty",
                Refdata.bytes("webhook-samples/pagerduty-v3/zulip/triggered_v3.json"),
                "Content-Type", "application/json", "X-Webhook-Id", "unsigned-1");

        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(bridge.inboxStatus("unsigned-1")).as("nothing stored").isNull();
    }

    @Test
    void bodyThatIsNotJsonGetsAJsonErrorNamingTheProblem() {
        byte[] body = "{\"event\": {\"id\": ".getBytes();

        HttpResponse<String> answer = post(body, Signed.pagerDuty(VECTOR_SECRET, body), "broken-1");

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.body()).startsWith("{\"error\":\"the body is not valid JSON");
        assertThat(bridge.inboxStatus("broken-1")).as("nothing stored").isNull();
    }

    @Test
    void legacyV2WebhookIsRefusedWithWhatToDoInstead() {
        byte[] body = Refdata.bytes("webhook-samples/pagerduty-v2-legacy/zulip/resolve_v2.json");

        HttpResponse<String> answer = post(body, Signed.pagerDuty(VECTOR_SECRET, body), "v2-1");

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.body()).contains("V2").contains("create a V3 subscription");
    }

    @Test
    void eventsOfOtherResourcesAreAcknowledgedAndIgnored() {
        byte[] body = Refdata.bytes("pagerduty/webhook-v3-examples/03-service.updated.json");

        HttpResponse<String> answer = post(body, Signed.pagerDuty(VECTOR_SECRET, body), "service-1");

        assertThat(answer.statusCode()).isEqualTo(202);
        assertThat(answer.body()).contains("\"status\":\"ignored\"").contains("service.updated");
    }

    @Test
    void bodyOverOneMebibyteIsRefusedBeforeItIsRead() {
        byte[] body = new byte[1024 * 1024 + 1];
        Arrays.fill(body, (byte) ' ');

        assertThat(post(body, Signed.pagerDuty(VECTOR_SECRET, body), "big-1").statusCode()).isEqualTo(413);
    }

    @Test
    void formEncodedBodyIsRefused() {
        HttpResponse<String> answer = bridge.post("/webhooks/pagerduty", "event=x".getBytes(),
                "Content-Type", "application/x-www-form-urlencoded", "X-Webhook-Id", "form-1");

        assertThat(answer.statusCode()).isEqualTo(415);
        assertThat(answer.body()).contains("Content-Type: application/json");
        assertThat(bridge.inboxStatus("form-1")).as("nothing stored").isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"APPLICATION/JSON", "Application/Json; charset=UTF-8", "application/json;charset=utf-8"})
    void contentTypeIsComparedWithoutRegardToCase(String contentType) {
        byte[] body = Refdata.bytes("pagerduty/webhook-v3-signature-testvector.body.json");
        String delivery = "case-" + contentType.hashCode();

        HttpResponse<String> answer = bridge.post("/webhooks/pagerduty", body, "Content-Type", contentType,
                "X-PagerDuty-Signature", VECTOR_SIGNATURE, "X-Webhook-Id", delivery);

        assertThat(answer.statusCode()).isEqualTo(202);
        assertThat(bridge.inboxStatus(delivery)).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"+999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z"})
    void signedTimestampNoDatabaseCanStoreIsRefusedNotRetried(String occurredAt) throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(Refdata.bytes("webhook-samples/pagerduty-v3/zulip/triggered_v3.json"));
        ((ObjectNode) root.get("event")).put("occurred_at", occurredAt);
        byte[] body = JSON.writeValueAsBytes(root);
        String delivery = "poison-" + occurredAt.charAt(0);

        HttpResponse<String> answer = post(body, Signed.pagerDuty(VECTOR_SECRET, body), delivery);

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.body()).contains("event.occurred_at", "between the years 1970 and 9999");
        assertThat(bridge.inboxStatus(delivery)).as("nothing stored").isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"event\":{}}", "garbage"})
    void secondDocumentOrTrailingGarbageIsRefused(String after) {
        byte[] body = (Refdata.read("webhook-samples/pagerduty-v3/zulip/triggered_v3.json") + after)
                .getBytes(StandardCharsets.UTF_8);
        String delivery = "trailing-" + after.length();

        HttpResponse<String> answer = post(body, Signed.pagerDuty(VECTOR_SECRET, body), delivery);

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(bridge.inboxStatus(delivery)).as("nothing stored").isNull();
    }

    @Test
    void redeliveryIsAnsweredWithoutStoringTwice() {
        byte[] body = Refdata.bytes("webhook-samples/pagerduty-v3/zulip/unacknowledged_v3.json");
        String signature = Signed.pagerDuty(VECTOR_SECRET, body);

        HttpResponse<String> first = post(body, signature, "redelivered-1");
        HttpResponse<String> again = post(body, signature, "redelivered-1");

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).contains("\"status\":\"duplicate\"");
        await().untilAsserted(() -> assertThat(bridge.inboxStatus("redelivered-1")).isEqualTo("done"));
        long incident = bridge.incidentLog().incident(Source.PAGERDUTY, "PQ1K5C8").orElseThrow().id();
        assertThat(bridge.incidentLog().events(incident))
                .filteredOn(e -> e.key().equals("event:01BZYK5B3WC0QI62S87MJX7FCD")).hasSize(1);
        assertThat(post(body, signature, "redelivered-1").statusCode()).as("still known once read").isEqualTo(200);
    }

    @Test
    void aReplayedOldEventDoesNotTurnAResolvedIncidentBack() throws Exception {
        List<ExampleIncident.Delivery> example = ExampleIncident.deliveries();
        for (ExampleIncident.Delivery delivery : example) {
            assertThat(post(delivery.body(), Signed.pagerDuty(VECTOR_SECRET, delivery.body()), "replay-" + delivery.name())
                    .statusCode()).isEqualTo(202);
        }
        await().untilAsserted(() -> assertThat(status(ExampleIncident.ID)).isEqualTo(IncidentStatus.RESOLVED));

        // the escalation again, as a new delivery and event, but with its own, earlier time
        ObjectNode escalation = (ObjectNode) JSON.readTree(example.get(0).body());
        ((ObjectNode) escalation.get("event")).put("id", "01REPLAYEDESCALATION");
        byte[] replayed = JSON.writeValueAsBytes(escalation);
        assertThat(post(replayed, Signed.pagerDuty(VECTOR_SECRET, replayed), "replay-again").statusCode())
                .isEqualTo(202);

        await().untilAsserted(() -> assertThat(bridge.inboxStatus("replay-again")).isEqualTo("done"));
        assertThat(status(ExampleIncident.ID)).isEqualTo(IncidentStatus.RESOLVED);
    }

    @Test
    void answersDoNotEchoTheRequestHeaders() {
        byte[] body = Refdata.bytes("pagerduty/webhook-v3-signature-testvector.body.json");

        HttpResponse<String> answer = post(body, VECTOR_SIGNATURE, "echo-1");

        assertThat(answer.headers().map().keySet()).map(String::toLowerCase)
                .doesNotContain("x-pagerduty-signature", "x-webhook-id");
    }

    @Test
    void livenessReadinessWithTheIncidentLogAndMetricsAreServed() {
        assertThat(bridge.management("/observe/health/live").statusCode()).isEqualTo(200);
        HttpResponse<String> ready = bridge.management("/observe/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("\"status\":\"UP\"");
        assertThat(HealthCheckHelper.invokeReadiness(bridge.camel(), "full"))
                .filteredOn(result -> result.getCheck().getId().equals("incident-log"))
                .singleElement()
                .satisfies(result -> assertThat(result.getState()).isEqualTo(HealthCheck.State.UP));

        HttpResponse<String> metrics = bridge.management("/observe/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("camel_exchanges_total", "postmortem_bridge_outbox_tasks{state=\"pending\"}",
                "postmortem_bridge_outbox_tasks{state=\"parked\"} 0.0", "postmortem_bridge_webhooks_total{");
    }

    private static IncidentStatus status(String incident) {
        return bridge.incidentLog().incident(Source.PAGERDUTY, incident).orElseThrow().facts().status();
    }

    private static HttpResponse<String> post(byte[] body, String signature, String deliveryId) {
        return bridge.post("/webhooks/pagerduty", body, "Content-Type", "application/json",
                "X-PagerDuty-Signature", signature, "X-Webhook-Id", deliveryId);
    }
}
