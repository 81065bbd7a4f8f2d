package io.postmortembridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.postmortembridge.testsupport.ExampleIncident;
import io.postmortembridge.testsupport.Refdata;
import io.postmortembridge.testsupport.RunningBridge;
import io.postmortembridge.testsupport.Signed;

/** What an operator reads on /observe/metrics: webhooks by outcome, reviews, publications, backlogs. */
class MetricsTest {

    private static final String SECRET = "metrics-secret";

    @Test
    void webhooksAreCountedByOutcomeAndPostmortemsByStage() {
        Map<String, String> properties = RunningBridge.defaults(RunningBridge.workDir("metrics"));
        properties.put("pagerduty.webhook-secret", SECRET);
        try (RunningBridge bridge = RunningBridge.start(properties)) {
            for (ExampleIncident.Delivery delivery : ExampleIncident.deliveries()) {
                assertThat(deliver(bridge, delivery.body(), delivery.name())).isEqualTo(202);
            }
            byte[] first = ExampleIncident.deliveries().get(0).body();
            assertThat(deliver(bridge, first, ExampleIncident.deliveries().get(0).name())).isEqualTo(200);
            assertThat(bridge.post("/webhooks/pagerduty", first, "Content-Type", "application/json",
                    "X-PagerDuty-Signature", Signed.pagerDuty("forged", first)).statusCode()).isEqualTo(401);
            byte[] service = Refdata.bytes("pagerduty/webhook-v3-examples/03-service.updated.json");
            assertThat(deliver(bridge, service, "service-1")).isEqualTo(202);

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(metrics(bridge)).contains(
                    "postmortem_bridge_webhooks_total{outcome=\"accepted\",source=\"pagerduty\"} 6.0",
                    "postmortem_bridge_webhooks_total{outcome=\"duplicate\",source=\"pagerduty\"} 1.0",
                    "postmortem_bridge_webhooks_total{outcome=\"rejected\",source=\"pagerduty\"} 1.0",
                    "postmortem_bridge_webhooks_total{outcome=\"ignored\",source=\"pagerduty\"} 1.0",
                    "postmortem_bridge_reviews_total{decision=\"drafted\"} 1.0",
                    "postmortem_bridge_reviews_total{decision=\"not-needed\"} 0.0",
                    "postmortem_bridge_postmortems_published_total{to=\"dry-run\"} 1.0",
                    "postmortem_bridge_inbox_deliveries{state=\"pending\"} 0.0",
                    "postmortem_bridge_inbox_deliveries{state=\"failed\"} 0.0",
                    "postmortem_bridge_outbox_tasks{state=\"pending\"} 0.0",
                    "postmortem_bridge_outbox_tasks{state=\"parked\"} 0.0"));
        }
    }

    private static int deliver(RunningBridge bridge, byte[] body, String deliveryId) {
        return bridge.post("/webhooks/pagerduty", body, "Content-Type", "application/json",
                "X-PagerDuty-Signature", Signed.pagerDuty(SECRET, body), "X-Webhook-Id", deliveryId).statusCode();
    }

    private static String metrics(RunningBridge bridge) {
        return bridge.management("/observe/metrics").body();
    }
}
