package io.postmortembridge.jira;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.postmortembridge.failure.PermanentFailure;
import io.postmortembridge.failure.TransientFailure;
import io.postmortembridge.http.VendorCall;
import io.postmortembridge.http.VendorHttp;
import io.postmortembridge.http.VendorReply;
import io.postmortembridge.incidentlog.IncidentLog;
import io.postmortembridge.incidentlog.LoggedIncident;
import io.postmortembridge.incidentlog.LoggedPostmortem;
import io.postmortembridge.incidentlog.PostmortemStatus;

/**
 * Creates the post-mortem issue in Jira, exactly once per incident. Before creating, it looks for
 * an issue carrying the incident's idempotency label: if an earlier attempt reached Jira but its
 * answer never reached the incident log (a timeout, a crash), that issue is adopted, not duplicated.
 *
 * <p>Jira's search is not read-after-write consistent: an issue created a moment ago may not be
 * found yet. So a create whose answer never came is recorded before it is sent, and the search
 * that follows it waits {@code jira.search-settle}. A look for duplicates after publishing catches
 * what a longer lag still lets through.
 */
public final class JiraPostmortemPublisher implements PostmortemPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(JiraPostmortemPublisher.class);

    private final VendorHttp jira;
    private final JiraSettings settings;
    private final JiraRequests requests;
    private final IncidentLog incidentLog;
    private final ObjectMapper json;
    private final Clock clock;

    public JiraPostmortemPublisher(VendorHttp jira, JiraSettings settings, IncidentLog incidentLog, ObjectMapper json,
            Clock clock) {
        this.jira = jira;
        this.settings = settings;
        this.requests = new JiraRequests(settings, json);
        this.incidentLog = incidentLog;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public void publish(long postmortemId) {
        LoggedPostmortem postmortem = incidentLog.postmortem(postmortemId)
                .orElseThrow(() -> new PermanentFailure("post-mortem " + postmortemId + " is not in the incident log"));
        if (postmortem.status() == PostmortemStatus.PUBLISHED) {
            return;
        }
        LoggedIncident incident = incidentLog.incident(postmortem.incidentId()).orElseThrow();
        String name = incident.facts().name();
        awaitSearchable(postmortem, name);

        JsonNode found = answer(postmortem, requests.findByLabel(postmortem.idempotencyLabel()),
                "search for an earlier post-mortem issue of " + name);
        JsonNode earlier = found.path("issues").path(0);
        if (earlier.hasNonNull("key")) {
            String key = earlier.get("key").asText();
            published(postmortem, key);
            LOG.info("Post-mortem for {} already existed as Jira issue {} (an earlier attempt's answer was lost): "
                    + "adopted it, nothing duplicated", name, key);
            return;
        }

        incidentLog.recordCreateSent(postmortem.id());
        VendorReply reply = jira.send(requests.createIssue(postmortem.title(), postmortem.descriptionAdf(),
                postmortem.idempotencyLabel(), incident.facts().priority()));
        if (reply.status() == 429 || reply.status() >= 400 && reply.status() < 500) {
            // Jira answered, and made nothing: the next attempt need not wait for its search
            incidentLog.recordCreateRefused(postmortem.id());
        }
        JsonNode created = answer(postmortem, reply, "create the post-mortem issue for " + name);
        if (!created.hasNonNull("key")) {
            // the issue may exist: the next attempt finds it by its label instead of creating another
            throw new TransientFailure("Jira answered the create of " + name + " without an issue key", null);
        }
        String key = created.get("key").asText();
        published(postmortem, key);
        LOG.info("Post-mortem for {} is Jira issue {}: {}", name, key, browseUrl(key));
    }

    /**
     * After a create whose answer never came, the issue may exist without Jira's search showing it
     * yet: searching now would find nothing and create a second one.
     */
    private void awaitSearchable(LoggedPostmortem postmortem, String name) {
        if (postmortem.createUnconfirmedAt() == null) {
            return;
        }
        Instant searchable = postmortem.createUnconfirmedAt().plus(settings.searchSettle());
        Duration left = Duration.between(clock.instant(), searchable);
        if (!left.isNegative() && !left.isZero()) {
            throw new TransientFailure("an earlier create of the post-mortem issue for " + name + " got no answer; "
                    + "Jira's search may not show that issue yet, so the next search waits until " + searchable
                    + " (jira.search-settle)", left);
        }
    }

    private void published(LoggedPostmortem postmortem, String key) {
        incidentLog.recordPublished(postmortem.id(), key, browseUrl(key),
                clock.instant().plus(settings.searchSettle().multipliedBy(2)));
    }

    private JsonNode answer(LoggedPostmortem postmortem, VendorCall call, String action) {
        return answer(postmortem, jira.send(call), action);
    }

    private JsonNode answer(LoggedPostmortem postmortem, VendorReply reply, String action) {
        if (reply.isTransientFailure()) {
            throw reply.transientFailure("Jira (" + action + ")");
        }
        if (!reply.isSuccess()) {
            String problem = JiraErrors.explain(action, reply.status(), reply.body(), settings, json);
            incidentLog.recordRejected(postmortem.id(), problem);
            throw new PermanentFailure(problem);
        }
        try {
            return json.readTree(reply.body() == null ? "{}" : reply.body());
        } catch (IOException e) {
            throw new TransientFailure("Jira's answer to " + action + " is not JSON", null);
        }
    }

    private String browseUrl(String key) {
        return settings.baseUrl() + "/browse/" + key;
    }
}
