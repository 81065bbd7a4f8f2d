package io.postmortembridge.server;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.postmortembridge.logging.OncePer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.RoutingContext;

/**
 * Closes connections that stall, and only those. A connection is in one of three states, each with
 * its own deadline:
 * <ul>
 * <li>waiting: just opened, or its previous answer sent, and no byte of a next request yet. After
 * {@code server.idle-timeout} of that, it is closed. Clients keep connections for their next
 * request, and a POST sent on a connection the server just closed fails without being retried by
 * most clients, so this is long (a minute, more than load balancers keep theirs).</li>
 * <li>reading: from the first byte of a request until its body is complete. After
 * {@code server.read-timeout} it is cut off: 408 when its headers had arrived, then closed. This is
 * what stops a half-sent body, an unterminated chunked body, unfinished or trickled headers.</li>
 * <li>answering: a route works on the request; how long that takes is the route's business.</li>
 * </ul>
 * Vert.x tells when a request's headers are complete, not when its first byte arrives: a handler
 * at the head of the connection's Netty pipeline notices that.
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
        // Vert.x's own (internal) connection type is how its Netty channel is reached
        ((ConnectionBase) connection).channel().pipeline().addFirst("postmortem-bridge-deadlines",
                new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext context, Object bytes) {
                        watch.bytesArrived();
                        context.fireChannelRead(bytes);
                    }
                });
        watch.await();
    }

    /** The first handler of every request: its headers are complete. */
    void headersRead(RoutingContext request) {
        Watch watch = watches.get(request.request().connection());
        if (watch != null) {
            watch.headersRead(request);
        }
        request.next();
    }

    private enum State {
        WAITING, READING, ANSWERING
    }

    private final class Watch {

        private final HttpConnection connection;
        private State state;
        /** Bytes of a pipelined next request arrived while this one was being answered. */
        private boolean nextStarted;
        private long readingSince;
        private long timer = -1;
        private boolean closed;

        Watch(HttpConnection connection) {
            this.connection = connection;
        }

        synchronized void await() {
            if (nextStarted) {
                nextStarted = false;
                startReading();
                return;
            }
            state = State.WAITING;
            arm(timeouts.idle(), () -> {
                LOG.debug("Closing the connection from {}: no request within {} ({})", connection.remoteAddress(),
                        ServerTimeouts.IDLE, timeouts.idle());
                connection.close();
            });
        }

        synchronized void bytesArrived() {
            if (state == State.WAITING) {
                startReading();
            } else if (state == State.ANSWERING) {
                nextStarted = true;
            }
        }

        private void startReading() {
            state = State.READING;
            readingSince = System.nanoTime();
            arm(timeouts.read(), () -> cutOff(null));
        }

        synchronized void headersRead(RoutingContext request) {
            if (state != State.READING) {
                startReading();
            }
            // the read deadline runs on from the request's first byte; now the request can be answered 408
            Duration left = timeouts.read().minusNanos(System.nanoTime() - readingSince);
            arm(left.isNegative() ? Duration.ZERO : left, () -> cutOff(request));
            request.request().end().onComplete(read -> bodyRead());
            request.addEndHandler(answered -> await());
        }

        synchronized void closed() {
            closed = true;
            cancel();
        }

        private synchronized void bodyRead() {
            if (state == State.READING) {
                state = State.ANSWERING;
                cancel();
            }
        }

        /** @param request null when its headers never arrived: there is nothing to answer */
        private void cutOff(RoutingContext request) {
            String client = connection.remoteAddress() == null ? "?" : connection.remoteAddress().host();
            if (cutOff.tryAcquire(client) >= 0) {
                LOG.info("Cut off a request from {}: it did not arrive in full within {} ({}). Further cut-offs of "
                        + "{} are not logged for a minute", client, ServerTimeouts.READ, timeouts.read(), client);
            }
            HttpServerResponse response = request == null ? null : request.response();
            if (response == null || response.headWritten() || response.closed()) {
                connection.close();
                return;
            }
            response.putHeader("Connection", "close");
            JsonAnswer.send(response, 408, "the request did not arrive in full within " + ServerTimeouts.READ + " ("
                    + timeouts.read() + ")")
                    .onComplete(sent -> connection.close());
        }

        private void arm(Duration after, Runnable expired) {
            cancel();
            if (!closed) {
                timer = vertx.setTimer(Math.max(1, after.toMillis()), fired -> {
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
