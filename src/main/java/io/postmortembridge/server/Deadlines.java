package io.postmortembridge.server;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.postmortembridge.logging.OncePer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * Closes connections that stall. Vert.x calls the request handler only once a request's headers
 * are complete and has no deadline of its own for them, nor for a body. Its idle timeout is not
 * used: it only notices total silence (a client trickling a byte a second holds the connection
 * forever), and it would also cut a connection whose request a route is still working on.
 * Two deadlines, one running at a time on each connection:
 * <ul>
 * <li>idle: from the connection opening, or its previous answer being sent, until the next
 * request's headers are complete. Expired: the connection is closed; no request was made, so
 * there is nothing to answer.</li>
 * <li>body: from the headers until the body is complete. Expired: 408 if nothing was answered yet,
 * then the connection is closed.</li>
 * </ul>
 * While a route works on a request, neither runs: how long the answer takes is the route's business.
 */
final class Deadlines {

    private static final Logger LOG = LoggerFactory.getLogger(Deadlines.class);

    private final Vertx vertx;
    private final ServerTimeouts timeouts;
    private final Map<HttpConnection, Watch> watches = new ConcurrentHashMap<>();
    private final OncePer cutOff = new OncePer(Duration.ofMinutes(1), Clock.systemUTC());

    Deadlines(Vertx vertx, ServerTimeouts timeouts) {
        this.vertx = vertx;
        this.timeouts = timeouts;
    }

    /** For {@code HttpServer.connectionHandler}. */
    void opened(HttpConnection connection) {
        Watch watch = new Watch(connection);
        watches.put(connection, watch);
        connection.closeHandler(closed -> {
            watches.remove(connection);
            watch.closed();
        });
        watch.awaitRequest();
    }

    /** The first handler of every request: its headers are complete. */
    void headersRead(RoutingContext request) {
        Watch watch = watches.get(request.request().connection());
        if (watch != null) {
            watch.reading(request);
        }
        request.next();
    }

    private final class Watch {

        private final HttpConnection connection;
        private RoutingContext current;
        private long timer = -1;
        private boolean closed;

        Watch(HttpConnection connection) {
            this.connection = connection;
        }

        synchronized void awaitRequest() {
            current = null;
            arm(timeouts.idle().toMillis(), () -> {
                LOG.debug("Closing the connection from {}: no complete request within {} ({})",
                        connection.remoteAddress(), ServerTimeouts.IDLE, timeouts.idle());
                connection.close();
            });
        }

        synchronized void reading(RoutingContext request) {
            current = request;
            arm(timeouts.body().toMillis(), () -> cutOff(request));
            request.request().end().onComplete(read -> bodyRead(request));
            request.addEndHandler(answered -> awaitRequest());
        }

        synchronized void closed() {
            closed = true;
            cancel();
        }

        private synchronized void bodyRead(RoutingContext request) {
            if (current == request) {
                cancel();
            }
        }

        private void cutOff(RoutingContext request) {
            String client = connection.remoteAddress() == null ? "?" : connection.remoteAddress().host();
            if (cutOff.tryAcquire(client) >= 0) {
                LOG.info("Cut off {} {} from {}: its body was not complete within {} ({}). Further cut-offs of {} "
                        + "are not logged for a minute", request.request().method(), request.request().path(),
                        client, ServerTimeouts.BODY, timeouts.body(), client);
            }
            HttpServerResponse response = request.response();
            if (response.headWritten() || response.closed()) {
                connection.close();
                return;
            }
            response.putHeader("Connection", "close");
            JsonAnswer.send(response, 408, "the request body did not arrive within " + ServerTimeouts.BODY + " ("
                    + timeouts.body() + ")")
                    .onComplete(sent -> connection.close());
        }

        private void arm(long millis, Runnable expired) {
            cancel();
            if (!closed) {
                timer = vertx.setTimer(millis, fired -> {
                    if (stillArmed(fired)) {
                        expired.run();
                    }
                });
            }
        }

        /** A deadline met or replaced just as it fired does not count. */
        private synchronized boolean stillArmed(long fired) {
            return timer == fired;
        }

        private void cancel() {
            if (timer != -1) {
                vertx.cancelTimer(timer);
                timer = -1;
            }
        }
    }
}
