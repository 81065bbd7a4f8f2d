package io.postmortembridge.testsupport;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.postmortembridge.Application;

/**
 * The service in a JVM of its own, as {@code java -jar} runs it from the repository: for what only a
 * process shows, such as settings from environment variables.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final Path output;

    private ServiceProcess(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    /**
     * Started from the repository, where routes/ and config/ are.
     *
     * @param environment      added to this JVM's environment
     * @param systemProperties given as {@code -D} options
     */
    public static ServiceProcess start(Path workDir, Map<String, String> environment,
            Map<String, String> systemProperties) {
        return start(workDir, Path.of("").toAbsolutePath(), environment, systemProperties);
    }

    /** Started from {@code installation}, which holds routes/ and config/ of its own. */
    public static ServiceProcess start(Path workDir, Path installation, Map<String, String> environment,
            Map<String, String> systemProperties) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        systemProperties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-cp");
        // surefire runs tests from a manifest-only jar; the classpath it stands for is in this property
        command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"))
);
        command.add(Application.class.getName());
        Path output = workDir.resolve("service.log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(installation.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().putAll(environment);
        try {
            return new ServiceProcess(builder.start(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until readiness on this management port answers 200. */
    public void awaitReady(int managementPort) {
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError("the service exited: " + output());
            }
            return get(managementPort, "/observe/health/ready").statusCode() == 200;
        });
    }

    /** Waits for the process to end and returns its exit code. */
    public int awaitExit() {
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError("the service did not exit: " + output());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String output() {
        try {
            return Files.readString(output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
