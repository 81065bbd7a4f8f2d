package io.postmortembridge.jira;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.postmortembridge.failure.TransientFailure;
import io.postmortembridge.http.VendorCall;
import io.postmortembridge.http.VendorHttp;
import io.postmortembridge.http.VendorReply;
import io.postmortembridge.incidentlog.ActionLog;

/**
 * The safety net under the Jira webhook: one JQL search for agreed post-mortem issues updated since
 * the last look, paged, each asking for its push as the webhook would (a webhook and a poll that saw
 * the same update ask once). Where it got to is kept in the incident log, so a restart neither
 * misses nor repeats a window.
 */
public final class JiraAgreedPoll {

    private static final Logger LOG = LoggerFactory.getLogger(JiraAgreedPoll.class);
    static final String CHECKPOINT = "jira-actions";
    /** JQL compares times to the minute, in the account's own time zone: relative minutes avoid both. */
    private static final Duration OVERLAP = Duration.ofMinutes(2);
    private static final int PAGE = 100;

    private final VendorHttp jira;
    private final ActionLog actionLog;
    private final String project;
    private final String agreedLabel;
    private final Duration firstLookback;
    private final ObjectMapper json;
    private final Clock clock;

    public JiraAgreedPoll(VendorHttp jira, ActionLog actionLog, String project, String agreedLabel,
            Duration firstLookback, ObjectMapper json, Clock clock) {
        this.jira = jira;
        this.actionLog = actionLog;
        this.project = project;
        this.agreedLabel = agreedLabel;
        this.firstLookback = firstLookback;
        this.json = json;
        this.clock = clock;
    }

    /**
     * Never throws: a poll that fails says so once, and the next one covers its window too.
     *
     * @return how many pushes it asked for that the webhook had not
     */
    public int poll() {
        try {
            return pollSinceCheckpoint();
        } catch (RuntimeException e) {
            LOG.warn("The poll for agreed post-mortems failed; the next one covers this window too: {}", e.getMessage());
            return 0;
        }
    }

    private int pollSinceCheckpoint() {
        Instant started = clock.instant();
        Instant since = actionLog.checkpoint(CHECKPOINT).map(Instant::parse).orElse(started.minus(firstLookback));
        long minutes = Duration.between(since, started).plus(OVERLAP).toMinutes();
        String jql = "project = " + JiraRequests.jqlString(project) + " AND labels = " + JiraRequests.jqlString(agreedLabel)
                + " AND updated >= -" + minutes + "m ORDER BY updated ASC";
        int asked = 0;
        int seen = 0;
        String token = null;
        do {
            JsonNode page = search(jql, token);
            for (JsonNode issue : page.path("issues")) {
                seen++;
                String key = issue.path("key").asText();
                Optional<Instant> updated = JiraTime.parse(issue.path("fields").path("updated").asText(""));
                if (updated.isPresent() && actionLog.requestPush(key, updated.get().toEpochMilli())) {
                    asked++;
                }
            }
            token = page.path("nextPageToken").asText("");
        } while (!token.isBlank());
        actionLog.recordCheckpoint(CHECKPOINT, started.toString());
        if (asked > 0) {
            LOG.info("The poll found {} agreed post-mortem update(s) the webhook had not brought (of {} seen)", asked, seen);
        }
        return asked;
    }

    private JsonNode search(String jql, String token) {
        ObjectNode body = json.createObjectNode();
        body.put("jql", jql);
        body.putArray("fields").add("updated").add("labels");
        body.put("maxResults", PAGE);
        if (token != null) {
            body.put("nextPageToken", token);
        }
        VendorReply reply = jira.send(VendorCall.post(JiraRequests.SEARCH, body.toString()));
        if (reply.isTransientFailure()) {
            throw reply.transientFailure("Jira (search for agreed post-mortems)");
        }
        if (!reply.isSuccess()) {
            throw new TransientFailure("Jira refused the search for agreed post-mortems (HTTP " + reply.status()
                    + "); the next poll covers this window too", null);
        }
        try {
            return json.readTree(reply.body());
        } catch (IOException e) {
            throw new TransientFailure("Jira's answer to the search for agreed post-mortems is not JSON", null);
        }
    }
}
