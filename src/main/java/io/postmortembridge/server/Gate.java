package io.postmortembridge.server;

import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.CamelContextStartedEvent;
import org.apache.camel.spi.CamelEvent.CamelContextStoppingEvent;
import org.apache.camel.support.EventNotifierSupport;

import io.vertx.ext.web.RoutingContext;

/**
 * Whether the business server takes requests. The server listens before the routes' HTTP
 * consumers have registered their paths, and on stop the consumers leave before the server
 * closes: in both windows a webhook would get a 404, which PagerDuty drops without retrying (and
 * after three, disables the subscription). The gate answers 503, which PagerDuty retries, from
 * the moment the server listens until every route has started, and again from the moment the
 * service starts stopping. Requests let in before the stop are drained by Camel's graceful
 * shutdown.
 */
final class Gate extends EventNotifierSupport {

    enum State {
        STARTING("is starting", 1),
        OPEN("is taking requests", 0),
        STOPPING("is stopping", 5);

        final String words;
        /** Seconds: a start completes within one; a restart takes a few. */
        final int retryAfter;

        State(String words, int retryAfter) {
            this.words = words;
            this.retryAfter = retryAfter;
        }
    }

    private volatile State state = State.STARTING;

    Gate() {
        setIgnoreExchangeEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
    }

    State state() {
        return state;
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelContextStartedEvent || event instanceof CamelContextStoppingEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        // started: every route has started, so every consumer's path is registered
        state = event instanceof CamelContextStartedEvent ? State.OPEN : State.STOPPING;
    }

    /** The first handler of every request. */
    void admit(RoutingContext request) {
        if (state == State.OPEN) {
            request.next();
        } else {
            refuse(request);
        }
    }

    /**
     * A path no route serves. While the gate is closed that may only be because the routes are
     * not there yet, or any more (a request let in just before the stop can reach the routes
     * after they left): 503 then, not 404.
     */
    void notFound(RoutingContext request) {
        if (state == State.OPEN) {
            JsonAnswer.send(request.response(), 404, "no such path: " + request.request().path());
        } else {
            refuse(request);
        }
    }

    private void refuse(RoutingContext request) {
        State now = state;
        request.response()
                .putHeader("Retry-After", Integer.toString(now.retryAfter))
                // the retry should take a new connection, which in a restart may reach another replica
                .putHeader("Connection", "close");
        JsonAnswer.send(request.response(), 503, "postmortem-bridge " + now.words + " and takes no requests; "
                + "retry after " + now.retryAfter + " s");
    }
}
