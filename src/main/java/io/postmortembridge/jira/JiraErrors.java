package io.postmortembridge.jira;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Turns Jira's error answers into one message that says what Jira objected to and which setting
 * fixes it: the people reading it configure this service, they do not debug it.
 */
final class JiraErrors {

    private JiraErrors() {
    }

    static String explain(String action, int status, String body, JiraSettings settings, ObjectMapper json) {
        StringBuilder message = new StringBuilder("Jira refused to ").append(action)
                .append(" (HTTP ").append(status).append(")");
        List<String> problems = problems(body, json);
        if (!problems.isEmpty()) {
            message.append(": ").append(String.join("; ", problems));
        }
        String fix = switch (status) {
            case 401 -> "check JIRA_EMAIL and JIRA_API_TOKEN (an API token of that Atlassian account)";
            case 403 -> "the account behind JIRA_EMAIL needs permission to browse and create issues in project "
                    + settings.project();
            case 404 -> "check JIRA_BASE_URL (it should look like https://your-site.atlassian.net)";
            default -> fieldFixes(body, settings, json);
        };
        if (fix.isEmpty()) {
            fix = isJiraError(body, json)
                    ? "Jira's message above names what it expects of issue type " + settings.issueType() + " in project "
                            + settings.project() + "; change jira.postmortem-issue-type, or give the fields it needs in "
                            + "the file named by jira.postmortem-extra-fields-file"
                    : "the answer was not Jira's: check that JIRA_BASE_URL points at Jira itself, not at a proxy or "
                            + "a login page";
        }
        return message.append(". To fix: ").append(fix).toString();
    }

    private static List<String> problems(String body, ObjectMapper json) {
        List<String> problems = new ArrayList<>();
        JsonNode errors = parse(body, json);
        errors.path("errorMessages").forEach(m -> problems.add(m.asText()));
        for (Iterator<Map.Entry<String, JsonNode>> it = errors.path("errors").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            problems.add(e.getKey() + ": " + e.getValue().asText());
        }
        return problems;
    }

    private static String fieldFixes(String body, JiraSettings settings, ObjectMapper json) {
        List<String> fixes = new ArrayList<>();
        for (Iterator<String> it = parse(body, json).path("errors").fieldNames(); it.hasNext(); ) {
            String field = it.next();
            fixes.add(switch (field) {
                case "project" -> "JIRA_POSTMORTEM_PROJECT (now " + settings.project()
                        + ") must be the key of a project the account can create issues in";
                case "issuetype" -> "jira.postmortem-issue-type (now " + settings.issueType()
                        + ") must be an issue type of project " + settings.project();
                case "priority" -> "jira.priority-map must name priorities that exist in Jira (now "
                        + settings.priorities() + "), or the priority field must be on the create screen";
                case "labels" -> "the labels field must be on the create screen of project " + settings.project();
                case "summary", "description" -> "the " + field + " field must be on the create screen of project "
                        + settings.project();
                default -> "project " + settings.project() + " requires field '" + field
                        + "': give it a value in the file named by jira.postmortem-extra-fields-file, or make it "
                        + "optional for issue type " + settings.issueType();
            });
        }
        return String.join("; ", fixes);
    }

    private static boolean isJiraError(String body, ObjectMapper json) {
        JsonNode errors = parse(body, json);
        return errors.has("errorMessages") || errors.has("errors");
    }

    private static JsonNode parse(String body, ObjectMapper json) {
        try {
            JsonNode node = body == null || body.isBlank() ? null : json.readTree(body);
            return node == null ? json.createObjectNode() : node;
        } catch (Exception e) {
            return json.createObjectNode();
        }
    }
}
