package io.postmortembridge.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.postmortembridge.testsupport.Refdata;
import io.postmortembridge.testsupport.RunningBridge;

/**
 * Clients that stall, as raw sockets: each connection is closed by the server within its deadline
 * (server.read-timeout from a request's first byte to the end of its body, server.idle-timeout with
 * no request on it), however many there are, and a client that keeps a connection for its next
 * request, sent after a pause longer than the read timeout, is not disturbed.
 */
class StalledConnectionsTest {

    private static final Duration IDLE_TIMEOUT = Duration.ofMillis(2000);
    private static final Duration READ_TIMEOUT = Duration.ofMillis(500);
    /** A deadline is met when the server closes within three times its timeout. */
    private static final Duration WITHIN_IDLE = IDLE_TIMEOUT.multipliedBy(3);
    private static final Duration WITHIN_READ = READ_TIMEOUT.multipliedBy(3);

    private static RunningBridge bridge;

    @BeforeAll
    static void start() {
        Map<String, String> properties = RunningBridge.defaults(RunningBridge.workDir("stalled"));
        properties.put("server.idle-timeout", IDLE_TIMEOUT.toString());
        properties.put("server.read-timeout", READ_TIMEOUT.toString());
        bridge = RunningBridge.start(properties);
    }

    @AfterAll
    static void stop() {
        bridge.close();
    }

    @Test
    void connectionThatSendsNothingIsClosed() throws IOException {
        try (Socket socket = connect()) {
            await().atMost(WITHIN_IDLE).until(() -> closedByServer(socket));
        }
    }

    @Test
    void headersNeverFinishedAreCutOff() throws IOException {
        try (Socket socket = connect()) {
            send(socket, "POST /webhooks/pagerduty HTTP/1.1\r\nHost: localhost\r\nContent-Type: appli");

            await().atMost(WITHIN_READ).until(() -> closedByServer(socket));
        }
    }

    @Test
    void headersTrickledAByteAtATimeAreCutOffThoughTheClientIsNeverSilent() throws IOException {
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        try (Socket socket = connect()) {
            send(socket, "POST /webhooks/pagerduty HTTP/1.1\r\n");
            trickle.scheduleAtFixedRate(() -> send(socket, "X"), 0, READ_TIMEOUT.toMillis() / 5,
                    TimeUnit.MILLISECONDS);

            await().atMost(WITHIN_READ).until(() -> closedByServer(socket));
        } finally {
            trickle.shutdownNow();
        }
    }

    @Test
    void bodyShorterThanItsContentLengthGets408AndTheConnectionIsClosed() throws IOException {
        try (Socket socket = connect()) {
            send(socket, "POST /webhooks/pagerduty HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 1000\r\n\r\n{\"event\": {");

            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            await().atMost(WITHIN_READ).until(() -> closedByServer(socket, answer));
            assertThat(answer.toString(StandardCharsets.UTF_8)).startsWith("HTTP/1.1 408")
                    .contains("application/json").contains("{\"error\":\"");
        }
    }

    @Test
    void chunkedBodyNeverTerminatedGets408AndTheConnectionIsClosed() throws IOException {
        try (Socket socket = connect()) {
            send(socket, "POST /webhooks/pagerduty HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\nb\r\n{\"event\": {\r\n");

            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            await().atMost(WITHIN_READ).until(() -> closedByServer(socket, answer));
            assertThat(answer.toString(StandardCharsets.UTF_8)).startsWith("HTTP/1.1 408");
        }
    }

    @Test
    void twoHundredStalledConnectionsAreAllClosed() throws IOException {
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                Socket socket = connect();
                sockets.add(socket);
                switch (i % 4) {
                    case 0 -> send(socket, "GET /api/inci");
                    case 1 -> send(socket, "POST /webhooks/pagerduty HTTP/1.1\r\nHost: localhost\r\n"
                            + "Content-Type: application/json\r\nContent-Length: 500\r\n\r\n{");
                    case 2 -> send(socket, "POST /webhooks/pagerduty HTTP/1.1\r\nHost: localhost\r\n"
                            + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{\r\n");
                    default -> { } // silent: closed after the idle timeout
                }
            }

            await().atMost(WITHIN_IDLE)
                    .until(() -> sockets.stream().allMatch(StalledConnectionsTest::closedByServer));
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    @Test
    void keepAliveClientPausingLongerThanTheReadTimeoutIsNotDisturbed() throws IOException {
        byte[] body = Refdata.bytes("webhook-samples/pagerduty-v3/zulip/triggered_v3.json");
        try (Socket socket = connect()) {
            // each pause between requests longer than the read timeout, well under the idle timeout
            for (int i = 0; i < 4; i++) {
                send(socket, "POST /webhooks/pagerduty HTTP/1.1\r\nHost: localhost\r\n"
                        + "Content-Type: application/json\r\nX-Webhook-Id: keep-alive-" + i + "\r\n"
                        + "Content-Length: " + body.length + "\r\n\r\n");
                socket.getOutputStream().write(body);

                assertThat(readAnswer(socket)).startsWith("HTTP/1.1 202");
                await().pollInterval(Duration.ofMillis(20)).during(READ_TIMEOUT.multipliedBy(2))
                        .atMost(READ_TIMEOUT.multipliedBy(3)).until(() -> !closedByServer(socket));
            }
        }
    }

    @Test
    void keepAliveConnectionLeftIdleAfterAnAnswerIsClosed() throws IOException {
        try (Socket socket = connect()) {
            send(socket, "GET /webhooks/pagerduty HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertThat(readAnswer(socket)).startsWith("HTTP/1.1 405");

            await().atMost(WITHIN_IDLE).until(() -> closedByServer(socket));
        }
    }

    private static Socket connect() throws IOException {
        return new Socket("localhost", bridge.port());
    }

    private static void send(Socket socket, String text) {
        try {
            socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the server has closed the connection; reads (and drops) whatever it sent. */
    private static boolean closedByServer(Socket socket) {
        return closedByServer(socket, new ByteArrayOutputStream());
    }

    /** Whether the server has closed the connection; what it sent is added to {@code received}. */
    private static boolean closedByServer(Socket socket, ByteArrayOutputStream received) {
        try {
            socket.setSoTimeout(10);
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) != -1; ) {
                received.write(buffer, 0, n);
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true; // reset
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One answer with a Content-Length body, read without waiting for the connection to close. */
    private static String readAnswer(Socket socket) throws IOException {
        socket.setSoTimeout(5000);
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b == -1) {
                throw new IOException("closed mid-answer: " + head);
            }
            head.write(b);
        }
        String headers = head.toString(StandardCharsets.US_ASCII);
        int length = headers.lines().filter(l -> l.toLowerCase().startsWith("content-length:"))
                .mapToInt(l -> Integer.parseInt(l.substring(15).strip())).findFirst().orElse(0);
        return headers + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
