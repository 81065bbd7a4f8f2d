package io.postmortembridge.jira;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.postmortembridge.failure.PermanentFailure;
import io.postmortembridge.failure.TransientFailure;
import io.postmortembridge.http.VendorCall;
import io.postmortembridge.http.VendorHttp;
import io.postmortembridge.http.VendorReply;
import io.postmortembridge.incidentlog.IncidentLog;
import io.postmortembridge.incidentlog.LoggedPostmortem;
import io.postmortembridge.postmortem.document.AdfRenderer;
import io.postmortembridge.postmortem.document.Document;
import io.postmortembridge.postmortem.document.Paragraph;

/**
 * Looks, once Jira's search has caught up, for a second issue of a published post-mortem: what a
 * create whose answer was lost, searched for too early, can leave behind. The older issue is the
 * post-mortem; each newer one is linked to it as a duplicate, told why in a comment, and moved with
 * {@code jira.duplicate-transition} when one is set. Safe to run again: a duplicate already linked
 * is left alone.
 */
public final class JiraDuplicateSweep {

    private static final Logger LOG = LoggerFactory.getLogger(JiraDuplicateSweep.class);

    private final VendorHttp jira;
    private final JiraSettings settings;
    private final JiraRequests requests;
    private final IncidentLog incidentLog;
    private final ObjectMapper json;
    /** Workflows already reported as not offering the transition: said once, not per duplicate. */
    private final Set<String> reportedTransitions = ConcurrentHashMap.newKeySet();

    public JiraDuplicateSweep(VendorHttp jira, JiraSettings settings, IncidentLog incidentLog, ObjectMapper json) {
        this.jira = jira;
        this.settings = settings;
        this.requests = new JiraRequests(settings, json);
        this.incidentLog = incidentLog;
        this.json = json;
    }

    /** @param postmortemId the post-mortem's id in the incident log, as the outbox payload carries it */
    public void sweep(long postmortemId) {
        LoggedPostmortem postmortem = incidentLog.postmortem(postmortemId)
                .orElseThrow(() -> new PermanentFailure("post-mortem " + postmortemId + " is not in the incident log"));
        if (postmortem.jiraKey() == null) {
            return;
        }
        List<Issue> issues = issues(call(requests.findAllByLabel(postmortem.idempotencyLabel()),
                "search for the issues of post-mortem " + postmortem.jiraKey()));
        if (issues.size() < 2) {
            return;
        }
        Issue original = issues.get(0);
        if (!original.key().equals(postmortem.jiraKey())) {
            incidentLog.recordJiraKey(postmortem.id(), original.key(),
                    settings.baseUrl() + "/browse/" + original.key());
        }
        for (Issue duplicate : issues.subList(1, issues.size())) {
            if (duplicate.linkedTo(original.key())) {
                continue;
            }
            call(requests.comment(duplicate.key(), explanation(original.key())),
                    "comment on duplicate " + duplicate.key());
            call(requests.linkAsDuplicate(duplicate.key(), original.key()),
                    "link " + duplicate.key() + " as a duplicate of " + original.key());
            transition(duplicate.key());
            LOG.warn("Post-mortem {} had a second Jira issue, {}, made by an attempt whose answer was lost while "
                    + "Jira's search did not show the first yet: linked it as a duplicate of {}{}", original.key(),
                    duplicate.key(), original.key(), settings.duplicateTransition() == null ? ""
                            : " and moved it with '" + settings.duplicateTransition() + "'");
        }
    }

    private static ObjectNode explanation(String original) {
        return AdfRenderer.render(new Document(List.of(
                Paragraph.text("This issue duplicates " + original + ", the post-mortem it was made for. An earlier "
                        + "attempt to create that post-mortem got no answer from Jira, and Jira's search did not show "
                        + "its issue yet when it was looked for again, so this second one was made."),
                Paragraph.text("Work on " + original + "; this issue can be closed."))));
    }

    private void transition(String key) {
        String wanted = settings.duplicateTransition();
        if (wanted == null) {
            return;
        }
        JsonNode offered = call(requests.transitions(key), "read the transitions of " + key).path("transitions");
        List<String> names = new ArrayList<>();
        for (JsonNode transition : offered) {
            String name = transition.path("name").asText();
            if (name.toLowerCase(Locale.ROOT).equals(wanted.toLowerCase(Locale.ROOT))) {
                call(requests.transition(key, transition.path("id").asText()), "move " + key + " with '" + name + "'");
                return;
            }
            names.add(name);
        }
        if (reportedTransitions.add(wanted + names)) {
            LOG.warn("jira.duplicate-transition '{}' is not offered for {}; its workflow offers: {}. Set one of these, "
                    + "or leave it empty to only link and comment duplicates", wanted, key, String.join(", ", names));
        }
    }

    private JsonNode call(VendorCall call, String action) {
        VendorReply reply = jira.send(call);
        if (reply.isTransientFailure()) {
            throw reply.transientFailure("Jira (" + action + ")");
        }
        if (!reply.isSuccess()) {
            throw new PermanentFailure(JiraErrors.explain(action, reply.status(), reply.body(), settings, json));
        }
        try {
            return reply.body() == null || reply.body().isBlank() ? json.createObjectNode()
                    : json.readTree(reply.body());
        } catch (IOException e) {
            throw new TransientFailure("Jira's answer to " + action + " is not JSON", null);
        }
    }

    /** Oldest first: by creation time, then by Jira's own numbering. */
    private static List<Issue> issues(JsonNode found) {
        List<Issue> issues = new ArrayList<>();
        for (JsonNode issue : found.path("issues")) {
            if (issue.hasNonNull("key")) {
                issues.add(new Issue(issue.get("key").asText(), issue.path("id").asLong(Long.MAX_VALUE),
                        created(issue.at("/fields/created").asText("")), issue.at("/fields/issuelinks")));
            }
        }
        issues.sort(Comparator.comparing(Issue::created).thenComparingLong(Issue::id));
        return issues;
    }

    /** Jira writes times as 2026-04-01T02:07:30.000+0000; one it does not is sorted last. */
    private static Instant created(String value) {
        return JiraTime.parse(value).orElse(Instant.MAX);
    }

    private record Issue(String key, long id, Instant created, JsonNode links) {

        /** Already linked to the original with the duplicate link, in either direction. */
        boolean linkedTo(String original) {
            for (JsonNode link : links) {
                if (JiraRequests.DUPLICATE_LINK.equals(link.at("/type/name").asText())
                        && (original.equals(link.at("/inwardIssue/key").asText())
                        || original.equals(link.at("/outwardIssue/key").asText()))) {
                    return true;
                }
            }
            return false;
        }
    }
}
