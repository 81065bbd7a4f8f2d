package io.postmortembridge.testsupport;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.main.Main;
import org.jdbi.v3.core.Jdbi;

import io.postmortembridge.Application;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.postmortembridge.incidentlog.Database;
import io.postmortembridge.incidentlog.IncidentLog;
import io.postmortembridge.incidentlog.Outbox;
import io.postmortembridge.incidentlog.OutboxSettings;

/**
 * The service as it ships ({@link Application#create()}: config/application.properties, the routes
 * in routes/), started in the test JVM on free ports with a few properties overridden: where Jira
 * and PagerDuty are, a database of the test's own, and a fast outbox.
 */
public final class RunningBridge implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Main main;
    private final int port;
    private final int managementPort;
    private final String databaseUrl;
    private final String databaseUser;
    private Database view;

    private RunningBridge(Main main, int port, int managementPort, String databaseUrl, String databaseUser) {
        this.main = main;
        this.port = port;
        this.managementPort = managementPort;
        this.databaseUrl = databaseUrl;
        this.databaseUser = databaseUser;
    }

    /** Properties every test run starts from; tests add or replace their own. */
    public static Map<String, String> defaults(Path workDir) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("database.url", "jdbc:h2:file:" + workDir.resolve("incident-log").toAbsolutePath());
        properties.put("postmortem.dry-run-directory", workDir.resolve("postmortems").toString());
        properties.put("outbox.poll-interval", "100");
        properties.put("outbox.initial-backoff", "PT0.2S");
        properties.put("outbox.max-backoff", "PT1S");
        properties.put("outbox.lease", "PT30S");
        properties.put("camel.component.http.response-timeout", "3000");
        properties.put("camel.component.http.connect-timeout", "2000");
        // long enough that the look for duplicates (twice this after publishing) comes after a test's assertions
        properties.put("jira.search-settle", "PT5S");
        return properties;
    }

    /** Starts the service and returns once it is ready. */
    public static RunningBridge start(Map<String, String> properties) {
        return prepare(properties).startAndAwaitReady();
    }

    /** Starts the service and returns once it is started, ready or not (its database may be down). */
    public static RunningBridge startUnready(Map<String, String> properties) {
        RunningBridge bridge = prepare(properties);
        bridge.main.start();
        return bridge;
    }

    /**
     * The service configured on its ports but not started: for tests that watch it start, or add to
     * it first ({@link #main()}).
     */
    public static RunningBridge prepare(Map<String, String> properties) {
        int port = freePort();
        int managementPort = freePort();
        Main main = Application.create();
        main.addOverrideProperty("camel.server.port", Integer.toString(port));
        main.addOverrideProperty("camel.management.port", Integer.toString(managementPort));
        properties.forEach(main::addOverrideProperty);
        int bound = Integer.parseInt(properties.getOrDefault("camel.server.port", Integer.toString(port)));
        return new RunningBridge(main, bound, managementPort, properties.get("database.url"),
                properties.getOrDefault("database.user", "sa"));
    }

    /** Starts a {@link #prepare prepared} service and returns once it is ready. */
    public RunningBridge startAndAwaitReady() {
        main.start();
        awaitReady();
        return this;
    }

    public Main main() {
        return main;
    }

    /** The business port (webhooks, API). */
    public int port() {
        return port;
    }

    public int managementPort() {
        return managementPort;
    }

    public HttpResponse<String> post(String path, byte[] body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return send(request.build());
    }

    public HttpResponse<String> get(String path, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        return send(request.build());
    }

    public HttpResponse<String> management(String path) {
        return send(HttpRequest.newBuilder(URI.create("http://localhost:" + managementPort + path)).GET().build());
    }

    /**
     * The service's database, opened beside it, for what a test checks directly (the inbox). H2 in
     * one JVM shares one open database between connections to the same file.
     */
    public Jdbi database() {
        return Jdbi.create(databaseUrl, databaseUser, "");
    }

    /** How the inbox holds a delivery: its status, or null when it was never stored. */
    public String inboxStatus(String deliveryId) {
        return database().withHandle(h -> h.createQuery("SELECT status FROM inbox WHERE delivery_id = :id")
                .bind("id", deliveryId).mapTo(String.class).findOne().orElse(null));
    }

    /**
     * The incident log as a reader beside the service sees it, over a connection of its own to the
     * service's database.
     */
    public synchronized IncidentLog incidentLog() {
        if (view == null) {
            view = Database.connect(databaseUrl, databaseUser, "", Duration.ofSeconds(2));
        }
        Outbox unused = new Outbox(view, Clock.systemUTC(), new OutboxSettings(1, Duration.ofMinutes(1),
                Duration.ofSeconds(1), Duration.ofSeconds(1)), () -> { });
        return new IncidentLog(view.jdbi(), unused, Clock.systemUTC(), new SimpleMeterRegistry());
    }

    /** The outbox's rows of one task kind, oldest first. */
    public List<OutboxRows.Row> outboxRows(String kind) {
        return OutboxRows.of(database(), kind);
    }

    public Outbox outbox() {
        return bean("outbox", Outbox.class);
    }

    public org.apache.camel.CamelContext camel() {
        return main.getCamelContext();
    }

    public <T> T bean(String name, Class<T> type) {
        T bean = main.getCamelContext().getRegistry().lookupByNameAndType(name, type);
        if (bean == null) {
            throw new IllegalStateException("no bean '" + name + "' of type " + type.getSimpleName());
        }
        return bean;
    }

    @Override
    public void close() {
        main.stop();
        synchronized (this) {
            if (view != null) {
                view.close();
            }
        }
    }

    /** Waits until readiness answers 200. */
    public void awaitReady() {
        await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(UncheckedIOException.class)
                .until(() -> management("/observe/health/ready").statusCode() == 200);
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh working directory under target/, kept after the run for reading its files. */
    public static Path workDir(String name) {
        try {
            Path dir = Path.of("target", "bridge-runs", name + "-" + System.nanoTime());
            Files.createDirectories(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
