package io.postmortembridge.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.service.ServiceSupport;
import org.junit.jupiter.api.Test;

import io.postmortembridge.testsupport.Refdata;
import io.postmortembridge.testsupport.RunningBridge;

/**
 * The windows around start and stop, watched by a client that keeps calling a webhook and an API
 * path throughout: the server listens before the routes are there and stays up after they leave,
 * and in neither window may a known path get 404 (PagerDuty drops a 404 for good).
 */
class StartAndStopTest {

    private static final String WEBHOOK = "/webhooks/pagerduty";
    /** Not served by any route yet: 404 once the service runs, but never while it starts or stops. */
    private static final String API = "/api/incidents";
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Test
    void webhookAndApiPathsAnswer503NeverA404WhileTheServiceStarts() throws Exception {
        CountDownLatch routesMayStart = new CountDownLatch(1);
        RunningBridge bridge = RunningBridge.prepare(RunningBridge.defaults(RunningBridge.workDir("starting")));
        // a route that is slow to start holds the start open, between the server listening and the
        // routes all having started, for as long as the test needs
        bridge.main().configure().addRoutesBuilder(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:slow-to-start").routeId("slow-to-start").process(new SlowToStart(routesMayStart));
            }
        });

        try (Caller caller = new Caller(bridge.port())) {
            CompletableFuture<RunningBridge> started = CompletableFuture.supplyAsync(bridge::startAndAwaitReady);
            await().atMost(PATIENCE)
                    .failFast("a known path answered 404 while the service started",
                            () -> caller.got(WEBHOOK, 404) || caller.got(API, 404))
                    .until(() -> caller.got(WEBHOOK, 503) && caller.got(API, 503));

            HttpResponse<String> readiness = bridge.management("/observe/health/ready");
            assertThat(readiness.statusCode()).isEqualTo(503);
            assertThat(readiness.body()).contains("http-server").contains("postmortem-bridge is starting");
            assertThat(bridge.management("/observe/health/live").statusCode()).isEqualTo(200);
            List<Answer> whileHeld = caller.answers();
            routesMayStart.countDown();
            started.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            await().atMost(PATIENCE).until(() -> caller.got(WEBHOOK, 202));

            assertThat(whileHeld).allSatisfy(answer -> assertThat(answer.status()).as(answer.toString())
                    .isIn(503, Answer.REFUSED));
            assertThat(whileHeld).filteredOn(answer -> answer.status() == 503).allSatisfy(answer -> {
                assertThat(answer.body()).startsWith("{\"error\":\"postmortem-bridge is starting");
                assertThat(answer.retryAfter()).isEqualTo("1");
                assertThat(answer.contentType()).isEqualTo("application/json");
            });
            assertThat(caller.answers()).filteredOn(answer -> answer.path().equals(WEBHOOK))
                    .extracting(Answer::status).doesNotContain(404).contains(503, 202);
            // the gate opens once: a 404 seen before a later call was still refused came through a closed gate
            long lastRefusedSent = caller.answers().stream().filter(answer -> answer.status() == 503)
                    .mapToLong(Answer::sent).max().orElseThrow();
            assertThat(caller.answers()).filteredOn(answer -> answer.status() == 404)
                    .allSatisfy(answer -> assertThat(answer.received()).isGreaterThan(lastRefusedSent));
            assertThat(bridge.management("/observe/health/ready").statusCode()).isEqualTo(200);
        } finally {
            routesMayStart.countDown();
            bridge.close();
        }
    }

    @Test
    void webhookAndApiPathsAnswer503NeverA404WhileTheServiceStopsAndARequestInFlightIsAnswered()
            throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        RunningBridge bridge = RunningBridge.prepare(RunningBridge.defaults(RunningBridge.workDir("stopping")));
        // a request that is still being worked on when the stop begins
        bridge.main().configure().addRoutesBuilder(new RouteBuilder() {
            @Override
            public void configure() {
                from("platform-http:/test/slow").routeId("slow").process(exchange -> {
                    held.countDown();
                    release.await(PATIENCE.toSeconds(), TimeUnit.SECONDS);
                    exchange.getMessage().setBody("answered after the stop began");
                });
            }
        });
        bridge.startAndAwaitReady();
        CompletableFuture<HttpResponse<String>> inFlight = Caller.HTTP.sendAsync(HttpRequest.newBuilder(
                URI.create("http://localhost:" + bridge.port() + "/test/slow")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(held.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();

        try (Caller caller = new Caller(bridge.port())) {
            await().atMost(PATIENCE).until(() -> caller.got(WEBHOOK, 202) && caller.got(API, 404));
            CompletableFuture<Void> stopped = CompletableFuture.runAsync(bridge::close);
            await().atMost(PATIENCE)
                    .failFast("a known path answered 404 while the service stopped",
                            () -> caller.got(WEBHOOK, 404) || caller.got404AfterA503())
                    .until(() -> caller.got(WEBHOOK, 503) && caller.got(API, 503));

            HttpResponse<String> readiness = bridge.management("/observe/health/ready");
            assertThat(readiness.statusCode()).isEqualTo(503);
            assertThat(readiness.body()).contains("http-server").contains("postmortem-bridge is stopping");
            assertThat(bridge.management("/observe/health/live").statusCode()).isEqualTo(200);
            assertThat(inFlight).isNotDone();
            release.countDown();
            HttpResponse<String> answer = inFlight.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo("answered after the stop began");
            stopped.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            await().atMost(PATIENCE).until(() -> caller.got(WEBHOOK, Answer.REFUSED));

            assertThat(caller.answers()).filteredOn(a -> a.path().equals(WEBHOOK)).extracting(Answer::status)
                    .doesNotContain(404);
            // once closed, the gate stays closed: everything called after the first 503 is refused
            assertThat(caller.answers()).filteredOn(a -> a.sent() > caller.first503Received())
                    .allSatisfy(a -> assertThat(a.status()).as(a.toString()).isIn(503, Answer.REFUSED,
                            Answer.CUT));
            assertThat(caller.answers()).filteredOn(a -> a.status() == 503).allSatisfy(a -> {
                assertThat(a.body()).startsWith("{\"error\":\"postmortem-bridge is stopping");
                assertThat(a.retryAfter()).isEqualTo("5");
            });
        } finally {
            release.countDown();
            bridge.close();
        }
    }

    /** Holds the start of its route until released. */
    private static final class SlowToStart extends ServiceSupport implements Processor {

        private final CountDownLatch release;

        SlowToStart(CountDownLatch release) {
            this.release = release;
        }

        @Override
        protected void doStart() throws InterruptedException {
            release.await(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        }

        @Override
        public void process(Exchange exchange) {
            // never called
        }
    }

    /**
     * @param status the HTTP status, or {@link #REFUSED} (nothing listens), or {@link #CUT} (the
     *               connection closed before an answer)
     * @param sent, received {@link System#nanoTime()}
     */
    record Answer(String path, int status, String body, String retryAfter, String contentType, long sent,
            long received) {
        static final int REFUSED = -1;
        static final int CUT = -2;
    }

    /** Calls the webhook and the API path in turn, as fast as answers come, until closed. */
    private static final class Caller implements AutoCloseable {

        static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        private static final byte[] WEBHOOK_BODY =
                Refdata.bytes("webhook-samples/pagerduty-v3/zulip/triggered_v3.json");

        private final int port;
        private final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
        private final Thread thread;
        private volatile boolean closed;

        Caller(int port) {
            this.port = port;
            this.thread = new Thread(this::run, "caller");
            thread.start();
        }

        boolean got(String path, int status) {
            return answers.stream().anyMatch(answer -> answer.path().equals(path) && answer.status() == status);
        }

        long first503Received() {
            return answers.stream().filter(answer -> answer.status() == 503).mapToLong(Answer::received).min()
                    .orElse(Long.MAX_VALUE);
        }

        /** While stopping: a 404 for a call made after an earlier call was already refused. */
        boolean got404AfterA503() {
            long first503 = first503Received();
            return answers.stream().anyMatch(answer -> answer.status() == 404 && answer.sent() > first503);
        }

        List<Answer> answers() {
            return List.copyOf(answers);
        }

        private void run() {
            while (!closed) {
                call(HttpRequest.newBuilder(uri(WEBHOOK)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(WEBHOOK_BODY)), WEBHOOK);
                call(HttpRequest.newBuilder(uri(API)).GET(), API);
            }
        }

        private URI uri(String path) {
            return URI.create("http://localhost:" + port + path);
        }

        private void call(HttpRequest.Builder request, String path) {
            long sent = System.nanoTime();
            try {
                HttpResponse<String> response = HTTP.send(request.timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
                answers.add(new Answer(path, response.statusCode(), response.body(),
                        response.headers().firstValue("Retry-After").orElse(null),
                        response.headers().firstValue("Content-Type").orElse(null), sent, System.nanoTime()));
            } catch (ConnectException e) {
                answers.add(new Answer(path, Answer.REFUSED, null, null, null, sent, System.nanoTime()));
            } catch (IOException e) {
                answers.add(new Answer(path, Answer.CUT, e.toString(), null, null, sent, System.nanoTime()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                closed = true;
            }
        }

        @Override
        public void close() throws InterruptedException {
            closed = true;
            thread.join(PATIENCE.toMillis());
        }
    }
}
