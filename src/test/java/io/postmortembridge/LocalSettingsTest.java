package io.postmortembridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.postmortembridge.testsupport.RunningBridge;
import io.postmortembridge.testsupport.ServiceProcess;

/**
 * An installation's own settings live in config/local.properties, which upgrades never replace, and
 * win over the shipped config/application.properties.
 */
class LocalSettingsTest {

    @Test
    void settingsInLocalPropertiesWinOverTheShippedFile() throws IOException {
        Path workDir = RunningBridge.workDir("local-settings");
        Path installation = Files.createDirectories(workDir.resolve("installation"));
        copy(Path.of("routes"), installation.resolve("routes"));
        copy(Path.of("config"), installation.resolve("config"));
        int management = freePort();
        Files.writeString(installation.resolve("config/local.properties"), """
                # this installation's own
                camel.server.port = %d
                camel.management.port = %d
                database.url = jdbc:h2:file:%s
                """.formatted(freePort(), management, workDir.resolve("incident-log").toAbsolutePath()));

        try (ServiceProcess service = ServiceProcess.start(workDir, installation, Map.of(), Map.of())) {
            service.awaitReady(management);

            assertThat(service.output()).doesNotContain("ERROR");
            assertThat(installation.resolve("data")).as("the shipped database location was not used").doesNotExist();
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
