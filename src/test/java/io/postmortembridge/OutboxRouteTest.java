package io.postmortembridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import io.postmortembridge.testsupport.CapturedLogs;
import io.postmortembridge.testsupport.OutboxRows;
import io.postmortembridge.testsupport.RunningBridge;

/** The outbox route as it runs: each task to the route of its kind. */
class OutboxRouteTest {

    @Test
    void aTaskNoRouteTakesIsParkedSayingWhichRouteIsMissingNotRetriedForever() {
        try (CapturedLogs logs = CapturedLogs.capture();
                RunningBridge bridge = RunningBridge.start(RunningBridge.defaults(RunningBridge.workDir("outbox")))) {
            // as left by a version whose route file was later removed or renamed
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            bridge.database().useHandle(h -> h.createUpdate("""
                            INSERT INTO outbox (kind, dedupe_key, payload, status, attempts, next_attempt_at, created_at,
                                updated_at)
                            VALUES ('postmortem-archive', 'postmortem-archive:1', '1', 'pending', 0, :now, :now, :now)""")
                    .bind("now", now).execute());

            await().atMost(Duration.ofSeconds(10))
                    .until(() -> bridge.outboxRows("postmortem-archive").get(0).status().equals("failed"));

            OutboxRows.Row parked = bridge.outboxRows("postmortem-archive").get(0);
            assertThat(parked.lastError()).isEqualTo("no route takes 'postmortem-archive' tasks "
                    + "(direct:postmortem-archive): a file under routes/ is missing or its route was renamed. Put it "
                    + "back and restart; the task is tried again at start");
            assertThat(parked.attempts()).isEqualTo(1);
            await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(2))
                    .until(() -> bridge.outboxRows("postmortem-archive").get(0).attempts() == 1);
            assertThat(logs.text()).contains("ERROR io.postmortembridge.incidentlog.Outbox - postmortem-archive #1 "
                    + "stopped, it needs a fix: no route takes 'postmortem-archive' tasks");
        }
    }
}
