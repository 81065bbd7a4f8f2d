package io.postmortembridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.postmortembridge.testsupport.RunningBridge;
import io.postmortembridge.testsupport.ServiceProcess;

/**
 * The ports the service binds are the ports it was given, whichever way they were given, and the
 * port it checks before starting is the one it binds: a taken port stops the start instead of
 * leaving a service running without its HTTP ports.
 */
class PortsTest {

    private final Path workDir = RunningBridge.workDir("ports");

    @Test
    void portsFromTheEnvironmentAreTheOnesBound() throws Exception {
        int port = freePort();
        int management = freePort();
        Map<String, String> env = environment();
        env.put("CAMEL_SERVER_PORT", Integer.toString(port));
        env.put("CAMEL_MANAGEMENT_PORT", Integer.toString(management));

        try (ServiceProcess service = ServiceProcess.start(workDir, env, Map.of())) {
            service.awaitReady(management);

            assertThat(ServiceProcess.get(port, "/webhooks/pagerduty").statusCode()).as("the webhook only takes POST")
                    .isEqualTo(405);
        }
    }

    @Test
    void portsFromSystemPropertiesAreTheOnesBound() throws Exception {
        int port = freePort();
        int management = freePort();

        try (ServiceProcess service = ServiceProcess.start(workDir, environment(),
                Map.of("camel.server.port", Integer.toString(port), "camel.management.port", Integer.toString(management)))) {
            service.awaitReady(management);

            assertThat(ServiceProcess.get(port, "/webhooks/pagerduty").statusCode()).isEqualTo(405);
        }
    }

    @Test
    void takenPortFromTheEnvironmentStopsTheStartNamingTheVariable() throws IOException {
        try (ServerSocket taken = new ServerSocket(0)) {
            Map<String, String> env = environment();
            env.put("CAMEL_SERVER_PORT", Integer.toString(taken.getLocalPort()));
            env.put("CAMEL_MANAGEMENT_PORT", Integer.toString(freePort()));

            try (ServiceProcess service = ServiceProcess.start(workDir, env, Map.of())) {
                assertThat(service.awaitExit()).isNotZero();
                assertThat(service.output()).contains("port " + taken.getLocalPort() + " (camel.server.port, "
                        + "CAMEL_SERVER_PORT) is already in use: stop what listens on it, or set CAMEL_SERVER_PORT to "
                        + "a free port");
            }
        }
    }

    @Test
    void aKubernetesServiceVariableInThePlaceOfAPortIsExplained() {
        Map<String, String> env = environment();
        env.put("CAMEL_SERVER_PORT", "tcp://10.0.0.1:8080");

        try (ServiceProcess service = ServiceProcess.start(workDir, env, Map.of())) {
            assertThat(service.awaitExit()).isNotZero();
            assertThat(service.output()).contains("camel.server.port (CAMEL_SERVER_PORT) must be a port number from 0 "
                    + "to 65535, not 'tcp://10.0.0.1:8080'; tcp://host:port is what Kubernetes sets in CAMEL_SERVER_PORT "
                    + "for a Service named camel-server");
        }
    }

    /** A dry-run service with a database of its own. */
    private Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", "jdbc:h2:file:" + workDir.resolve("incident-log").toAbsolutePath());
        env.put("POSTMORTEM_DRY_RUN_DIRECTORY", workDir.resolve("postmortems").toString());
        env.put("CAMEL_MANAGEMENT_PORT", Integer.toString(freePort()));
        return env;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
