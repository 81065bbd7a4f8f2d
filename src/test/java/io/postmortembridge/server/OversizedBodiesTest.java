package io.postmortembridge.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.postmortembridge.testsupport.CapturedLogs;
import io.postmortembridge.testsupport.RunningBridge;

/**
 * A body over camel.server.max-body-size is the client's mistake: it gets a JSON 413, and the log
 * says so once a minute per client at WARN, never at ERROR (where it would page someone).
 */
class OversizedBodiesTest {

    @Test
    void oversizedBodiesGetAJson413AndOneWarningPerClientAMinuteNeverAnError() {
        byte[] body = new byte[1024 * 1024 + 200 * 1024];
        Arrays.fill(body, (byte) ' ');
        List<HttpResponse<String>> answers = new ArrayList<>();
        try (CapturedLogs logs = CapturedLogs.capture();
                RunningBridge bridge = RunningBridge.start(RunningBridge.defaults(RunningBridge.workDir("big")))) {

            for (int i = 0; i < 5; i++) {
                answers.add(bridge.post("/webhooks/pagerduty", body,
                        "Content-Type", "application/json", "X-Webhook-Id", "big-" + i));
            }

            assertThat(logs.text().lines().filter(line -> line.startsWith("ERROR "))).isEmpty();
            assertThat(logs.text().lines().filter(line -> line.startsWith("WARN ") && line.contains("Refused")))
                    .containsExactly("WARN " + Failures.class.getName() + " - Refused a 1.2 MiB body from 127.0.0.1 "
                            + "on /webhooks/pagerduty: over camel.server.max-body-size (1048576 bytes). Further "
                            + "refusals from 127.0.0.1 are not logged for a minute");
        }
        assertThat(answers).allSatisfy(answer -> {
            assertThat(answer.statusCode()).isEqualTo(413);
            assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(answer.body()).isEqualTo("{\"error\":\"the body is larger than the 1048576 bytes this service "
                    + "accepts\"}");
        });
    }
}
