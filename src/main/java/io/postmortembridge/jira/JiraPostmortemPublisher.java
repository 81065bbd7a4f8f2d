package io.postmortembridge.jira;

import java.io.IOException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.postmortembridge.http.HttpCall;
import io.postmortembridge.http.HttpReply;
import io.postmortembridge.http.VendorHttp;
import io.postmortembridge.incidentlog.IncidentLog;
import io.postmortembridge.incidentlog.LoggedIncident;
import io.postmortembridge.incidentlog.LoggedPostmortem;
import io.postmortembridge.incidentlog.PermanentFailure;
import io.postmortembridge.incidentlog.PostmortemStatus;
import io.postmortembridge.incidentlog.TransientFailure;

/**
 * Creates the post-mortem issue in Jira, exactly once per incident. Before creating, it looks for
 * an issue carrying the incident's idempotency label: if an earlier attempt reached Jira but its
 * answer never reached the incident log (a timeout, a crash), that issue is adopted, not duplicated.
 */
public final class JiraPostmortemPublisher implements PostmortemPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(JiraPostmortemPublisher.class);

    private final VendorHttp jira;
    private final JiraSettings settings;
    private final JiraRequests requests;
    private final IncidentLog log;
    private final ObjectMapper json;

    public JiraPostmortemPublisher(VendorHttp jira, JiraSettings settings, IncidentLog log, ObjectMapper json) {
        this.jira = jira;
        this.settings = settings;
        this.requests = new JiraRequests(settings, json);
        this.log = log;
        this.json = json;
    }

    @Override
    public void publish(String postmortemId) {
        LoggedPostmortem postmortem = log.postmortem(Long.parseLong(postmortemId.strip()))
                .orElseThrow(() -> new PermanentFailure("post-mortem " + postmortemId + " is not in the incident log"));
        if (postmortem.status() == PostmortemStatus.PUBLISHED) {
            return;
        }
        LoggedIncident incident = log.incident(postmortem.incidentId()).orElseThrow();
        String name = incident.facts().name();

        JsonNode found = answer(postmortem, requests.findByLabel(postmortem.idempotencyLabel()),
                "search for an earlier post-mortem issue of " + name);
        JsonNode earlier = found.path("issues").path(0);
        if (earlier.hasNonNull("key")) {
            String key = earlier.get("key").asText();
            log.recordPublished(postmortem.id(), PostmortemStatus.PUBLISHED, key, browseUrl(key));
            LOG.info("Post-mortem for {} already existed as Jira issue {} (an earlier attempt's answer was lost): "
                    + "adopted it, nothing duplicated", name, key);
            return;
        }

        JsonNode created = answer(postmortem, requests.createIssue(postmortem.title(), postmortem.descriptionAdf(),
                postmortem.idempotencyLabel(), incident.facts().priority()), "create the post-mortem issue for " + name);
        if (!created.hasNonNull("key")) {
            // the issue may exist: the next attempt finds it by its label instead of creating another
            throw new TransientFailure("Jira answered the create of " + name + " without an issue key", null);
        }
        String key = created.get("key").asText();
        log.recordPublished(postmortem.id(), PostmortemStatus.PUBLISHED, key, browseUrl(key));
        LOG.info("Post-mortem for {} is Jira issue {}: {}", name, key, browseUrl(key));
    }

    private JsonNode answer(LoggedPostmortem postmortem, HttpCall call, String action) {
        HttpReply reply = jira.send(call);
        if (reply.isTransientFailure()) {
            throw reply.transientFailure("Jira (" + action + ")");
        }
        if (!reply.isSuccess()) {
            String problem = JiraErrors.explain(action, reply.status(), reply.body(), settings, json);
            log.recordRejected(postmortem.id(), problem);
            throw new PermanentFailure(problem);
        }
        try {
            return json.readTree(reply.body() == null ? "{}" : reply.body());
        } catch (IOException e) {
            throw new TransientFailure("Jira answered " + call + " with a body that is not JSON", null);
        }
    }

    private String browseUrl(String key) {
        return settings.baseUrl() + "/browse/" + key;
    }
}
