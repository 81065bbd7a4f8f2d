package io.postmortembridge;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import io.postmortembridge.incidentlog.IncidentLog;

/**
 * Readiness: the service may take webhooks only while it can store them, since a webhook is
 * answered 2xx only once it is stored.
 */
public final class IncidentLogHealthCheck extends AbstractHealthCheck {

    private final IncidentLog log;

    public IncidentLogHealthCheck(IncidentLog log) {
        super("postmortem-bridge", "incident-log");
        this.log = log;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        try {
            if (log.isReachable()) {
                builder.up();
            } else {
                builder.down().message("the incident log database gave an unexpected answer");
            }
        } catch (RuntimeException e) {
            builder.down().message("the incident log database is unreachable: " + e.getClass().getSimpleName());
        }
    }
}
