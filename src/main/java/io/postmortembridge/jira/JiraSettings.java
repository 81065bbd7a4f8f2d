package io.postmortembridge.jira;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where and how post-mortem issues are created.
 *
 * @param baseUrl     e.g. https://example.atlassian.net; null in dry-run
 * @param project     the project key post-mortem issues go to
 * @param issueType   the issue type's name in that project
 * @param labels      labels every post-mortem issue gets, besides its idempotency label
 * @param priorities  incident priority (P1..P5) to Jira priority name; unmapped priorities set none
 * @param extraFields fields the project requires that the service does not fill, merged into every create
 * @param searchSettle how long Jira's search may take to show a new issue: after a create that got no
 *                     answer, the next search for that issue waits this long, and the look for
 *                     duplicates runs twice this long after publishing
 * @param duplicateTransition the transition a duplicate issue is moved with (e.g. "Close"), or null for none
 */
public record JiraSettings(
        String baseUrl, String project, String issueType, List<String> labels, Map<String, String> priorities,
        ObjectNode extraFields, Duration searchSettle, String duplicateTransition) {

    public boolean dryRun() {
        return baseUrl == null;
    }
}
