package io.postmortembridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.postmortembridge.incident.Source;
import io.postmortembridge.incidentlog.Database;
import io.postmortembridge.incidentlog.Inbox;
import io.postmortembridge.incidentlog.LoggedPostmortem;
import io.postmortembridge.incidentlog.PostmortemStatus;
import io.postmortembridge.testsupport.CapturedLogs;
import io.postmortembridge.testsupport.ExampleIncident;
import io.postmortembridge.testsupport.RunningBridge;

/**
 * What a newcomer sees with no account anywhere: the README's first command, then the bundled
 * example incident posted as examples/post-pagerduty-incident.sh posts it.
 */
class DryRunTest {

    @Test
    void bundledExampleIncidentBecomesAMarkdownDraftAndTheJiraRequestsAreLogged() throws IOException {
        Path workDir = RunningBridge.workDir("dry-run");
        try (CapturedLogs logs = CapturedLogs.capture();
                RunningBridge bridge = RunningBridge.start(RunningBridge.defaults(workDir))) {

            for (ExampleIncident.Delivery example : ExampleIncident.deliveries()) {
                assertThat(bridge.post("/webhooks/pagerduty", example.body(),
                        "Content-Type", "application/json", "X-Webhook-Id", "example-" + example.name())
                        .statusCode()).as(example.name()).isEqualTo(202);
            }

            await().atMost(Duration.ofSeconds(15)).until(() -> bridge.incidentLog()
                    .incident(Source.PAGERDUTY, "Q3B15VLMF3ASBD")
                    .flatMap(i -> bridge.incidentLog().postmortemOfIncident(i.id()))
                    .filter(p -> p.status() == PostmortemStatus.DRY_RUN).isPresent());
            Path draft = workDir.resolve("postmortems/postmortem-bridge-pagerduty-Q3B15VLMF3ASBD.md");
            LoggedPostmortem postmortem = bridge.incidentLog().postmortemOfIncident(bridge.incidentLog()
                    .incident(Source.PAGERDUTY, "Q3B15VLMF3ASBD").orElseThrow().id()).orElseThrow();
            assertThat(postmortem.location()).isEqualTo(draft.toString());
            assertThat(postmortem.jiraKey()).isNull();

            String markdown = Files.readString(draft, StandardCharsets.UTF_8);
            assertThat(markdown).startsWith("# Post-mortem: Critical: Checkout API High Latency\n\n## Summary\n");
            assertThat(markdown).contains(
                    "- **Priority / urgency:** P2 / high",
                    "- **Duration:** 33 min",
                    "- **Why a review:** priority P2",
                    "| 2026-04-01 02:07:30 | Triggered | event |",
                    "| 2026-04-01 02:15:36 | Priority set to P2 by on-call responder 1 | event |",
                    "| 2026-04-01 02:18:59 | Note by on-call responder 1: Running KILL on long-running queries "
                            + "from the reporting-service. | event |",
                    "| Trigger → resolved | 33 min |",
                    "| Action | Owner | Due |",
                    "Follow-up review on **2026-04-15**");
            assertThat(markdown).doesNotContain("Harsh", "Santwani");
            assertThat(logs.text()).contains("Jira would have received",
                    "POST /rest/api/3/search/jql {\"jql\":\"project = \\\"PM\\\" AND labels = "
                            + "\\\"postmortem-bridge-pagerduty-Q3B15VLMF3ASBD\\\" ORDER BY created ASC\",\"fields\":[\"summary\"],"
                            + "\"maxResults\":1}",
                    "POST /rest/api/3/issue {\"fields\":{\"project\":{\"key\":\"PM\"},\"issuetype\":{\"name\":\"Task\"},"
                            + "\"summary\":\"Post-mortem: Critical: Checkout API High Latency\",\"description\":\"<ADF, ",
                    "\"labels\":[\"postmortem\",\"postmortem-bridge-pagerduty-Q3B15VLMF3ASBD\"],"
                            + "\"priority\":{\"name\":\"High\"}}}");
        }
    }

    @Test
    void resolvedIncidentIsDraftedAtOnceNotAtTheNextPoll() throws IOException {
        Path workDir = RunningBridge.workDir("dry-run-at-once");
        Map<String, String> properties = RunningBridge.defaults(workDir);
        // polls a minute apart: only being woken by the stored delivery explains a draft within seconds
        properties.put("outbox.poll-interval", "60000");
        properties.put("incident-intake.poll-interval", "60000");
        try (RunningBridge bridge = RunningBridge.start(properties)) {
            for (ExampleIncident.Delivery example : ExampleIncident.deliveries()) {
                assertThat(bridge.post("/webhooks/pagerduty", example.body(),
                        "Content-Type", "application/json", "X-Webhook-Id", "at-once-" + example.name())
                        .statusCode()).isEqualTo(202);
            }

            await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(
                    workDir.resolve("postmortems/postmortem-bridge-pagerduty-Q3B15VLMF3ASBD.md")));
        }
    }

    @Test
    void actionsAreCheckedWithoutAnAccountButNotPushedAndJiraWebhooksAreIgnored() throws Exception {
        try (RunningBridge bridge = RunningBridge.start(RunningBridge.defaults(RunningBridge.workDir("dry-run-actions")))) {
            byte[] actions = ("{\"actions\": [{\"action\": \"Investigate monitoring for this scenario\", "
                    + "\"owner\": \"TBD\", \"due\": \"2020-01-01\"}]}").getBytes(StandardCharsets.UTF_8);

            var check = bridge.post("/api/postmortems/check", actions, "Content-Type", "application/json");
            var push = bridge.post("/api/incidents/pagerduty-" + ExampleIncident.ID + "/actions", actions,
                    "Content-Type", "application/json");
            byte[] webhook = "{\"webhookEvent\":\"jira:issue_updated\",\"issue\":{\"key\":\"PM-1\",\"fields\":{"
                    .concat("\"labels\":[\"actions-agreed\"],\"updated\":\"2026-12-01T10:00:00.000+0000\"}}}")
                    .getBytes(StandardCharsets.UTF_8);
            var jira = bridge.post("/webhooks/jira", webhook, "Content-Type", "application/json");

            assertThat(check.statusCode()).as("no API_TOKEN needed while nothing reaches Jira").isEqualTo(200);
            assertThat(check.body()).contains("\"ok\":false", "action-vague", "owner-not-a-person", "due-past");
            assertThat(push.statusCode()).isEqualTo(409);
            assertThat(push.body()).contains("dry-run", "/api/postmortems/check");
            assertThat(jira.statusCode()).isEqualTo(202);
            assertThat(jira.body()).contains("ignored", "dry-run");
            assertThat(bridge.outboxRows("postmortem-actions")).isEmpty();
        }
    }

    @Test
    void storedBacklogDrainsInOneLookNotABatchPerPoll() throws IOException {
        Path workDir = RunningBridge.workDir("dry-run-backlog");
        Map<String, String> properties = RunningBridge.defaults(workDir);
        properties.put("outbox.poll-interval", "60000");
        properties.put("incident-intake.poll-interval", "60000");
        properties.put("outbox.batch-size", "3");
        byte[] resolved = Files.readAllBytes(Path.of("examples", "pagerduty", "06-resolved.json"));
        // ten resolved incidents stored before the service starts, as after a restart with webhooks answered but
        // not yet read
        try (Database database = Database.open(properties.get("database.url"), "sa", "")) {
            Inbox inbox = new Inbox(database, Clock.systemUTC());
            for (int i = 0; i < 10; i++) {
                inbox.receive(Source.PAGERDUTY, "backlog-" + i, "incident.resolved", new String(resolved,
                        StandardCharsets.UTF_8).replace("Q3B15VLMF3ASBD", "PBACKLOG" + i)
                        .replace("01GI0M3D5C6XEXAMPLERESOLVE", "E" + i).getBytes(StandardCharsets.UTF_8));
            }
        }

        try (RunningBridge bridge = RunningBridge.start(properties)) {
            // the first looks come a second after start, the next a minute later: only draining gets all ten out
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                for (int i = 0; i < 10; i++) {
                    assertThat(bridge.incidentLog().incident(Source.PAGERDUTY, "PBACKLOG" + i)
                            .flatMap(incident -> bridge.incidentLog().postmortemOfIncident(incident.id())))
                            .hasValueSatisfying(postmortem -> assertThat(postmortem.status())
                                    .isEqualTo(PostmortemStatus.DRY_RUN));
                }
            });
            assertThat(bridge.outbox().backlog().pending()).isZero();
        }
    }
}
