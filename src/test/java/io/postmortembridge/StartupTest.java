package io.postmortembridge;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.postmortembridge.testsupport.RunningBridge;

/** A configuration that cannot be safe stops the start, saying which setting to fix. */
class StartupTest {

    @Test
    void jiraWithoutAWebhookSecretRefusesToStart() {
        Map<String, String> properties = RunningBridge.defaults(RunningBridge.workDir("startup"));
        properties.put("jira.base-url", "https://acme.atlassian.net");
        properties.put("jira.email", "postmortems@example.com");
        properties.put("jira.api-token", "token");

        assertThatThrownBy(() -> RunningBridge.start(properties))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("pagerduty.webhook-secret (PAGERDUTY_WEBHOOK_SECRET) is not set");
    }

    @Test
    void jiraWithoutItsOwnWebhookSecretRefusesToStart() {
        Map<String, String> properties = RunningBridge.defaults(RunningBridge.workDir("startup"));
        properties.put("jira.base-url", "https://acme.atlassian.net");
        properties.put("jira.email", "postmortems@example.com");
        properties.put("jira.api-token", "token");
        properties.put("pagerduty.webhook-secret", "pd-secret");

        assertThatThrownBy(() -> RunningBridge.start(properties))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("jira.webhook-secret (JIRA_WEBHOOK_SECRET) is not set");
    }

    @Test
    void busyPortRefusesToStartInsteadOfRunningWithoutIt() throws IOException {
        try (ServerSocket taken = new ServerSocket(0)) {
            Map<String, String> properties = RunningBridge.defaults(RunningBridge.workDir("startup"));
            properties.put("camel.server.port", Integer.toString(taken.getLocalPort()));

            assertThatThrownBy(() -> RunningBridge.start(properties))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("port " + taken.getLocalPort() + " (camel.server.port, CAMEL_SERVER_PORT) is already in "
                            + "use: stop what listens on it, or set CAMEL_SERVER_PORT to a free port");
        }
    }
}
