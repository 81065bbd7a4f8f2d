package io.postmortembridge;

import java.time.Duration;
import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import io.postmortembridge.incidentlog.Database;

/**
 * Readiness: the service may take webhooks only while it can store them, since a webhook is
 * answered 2xx only once it is stored. Answers within a second whatever the database does, and
 * says what is wrong. Not a liveness check: a pod whose only problem is its database must not be
 * restarted for it.
 */
public final class IncidentLogHealthCheck extends AbstractHealthCheck {

    /** Kubernetes' default probe timeout is 1 s: the check answers before it. */
    private static final Duration WAIT = Duration.ofMillis(800);

    private final Database database;

    public IncidentLogHealthCheck(Database database) {
        super("postmortem-bridge", "incident-log");
        this.database = database;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        String problem = database.check(WAIT);
        if (problem == null) {
            builder.up();
        } else {
            builder.down().message(problem);
        }
    }
}
