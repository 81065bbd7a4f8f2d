package io.postmortembridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.postmortembridge.incident.Source;
import io.postmortembridge.incidentlog.LoggedPostmortem;
import io.postmortembridge.incidentlog.PostmortemStatus;
import io.postmortembridge.testsupport.CapturedLogs;
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

            for (Path example : examples()) {
                assertThat(bridge.post("/webhooks/pagerduty", Files.readAllBytes(example),
                        "Content-Type", "application/json", "X-Webhook-Id", "example-" + example.getFileName())
                        .statusCode()).as(example.toString()).isEqualTo(202);
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
            assertThat(logs.text()).contains("Jira would have received", "POST /rest/api/3/search/jql",
                    "POST /rest/api/3/issue", "\"labels\":[\"postmortem\",\"postmortem-bridge-pagerduty-Q3B15VLMF3ASBD\"]");
        }
    }

    private static List<Path> examples() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("examples", "pagerduty"))) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
    }
}
