package io.postmortembridge.server;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness: DOWN while the business server answers 503 (starting, stopping), so an orchestrator
 * sends requests elsewhere. Liveness is not affected: a stopping service is not a broken one.
 */
final class AcceptingRequestsCheck extends AbstractHealthCheck {

    private final Gate gate;

    AcceptingRequestsCheck(Gate gate) {
        super("postmortem-bridge", "http-server");
        this.gate = gate;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Gate.State state = gate.state();
        if (state == Gate.State.OPEN) {
            builder.up();
        } else {
            builder.down().message("the HTTP server answers 503: postmortem-bridge " + state.words);
        }
    }
}
