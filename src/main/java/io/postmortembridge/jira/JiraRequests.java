package io.postmortembridge.jira;

import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.postmortembridge.http.HttpCall;

/** The Jira Cloud REST v3 requests the post-mortem flow sends, built as Jira documents them. */
public final class JiraRequests {

    static final String SEARCH = "/rest/api/3/search/jql";
    static final String CREATE_ISSUE = "/rest/api/3/issue";

    private final JiraSettings settings;
    private final ObjectMapper json;

    public JiraRequests(JiraSettings settings, ObjectMapper json) {
        this.settings = settings;
        this.json = json;
    }

    /**
     * Finds an issue already carrying the idempotency label: the one created by an attempt whose
     * answer never reached the incident log. ({@code /rest/api/3/search} is deprecated; this is its successor.)
     */
    public HttpCall findByLabel(String label) {
        ObjectNode body = json.createObjectNode();
        body.put("jql", "project = " + jqlString(settings.project()) + " AND labels = " + jqlString(label));
        body.putArray("fields").add("summary");
        body.put("maxResults", 1);
        return HttpCall.post(SEARCH, body.toString());
    }

    /**
     * @param descriptionAdf the description as stored, ADF JSON
     * @param priority       the incident's priority (P1..), or null
     */
    public HttpCall createIssue(String title, String descriptionAdf, String label, String priority) {
        ObjectNode fields = json.createObjectNode();
        fields.putObject("project").put("key", settings.project());
        fields.putObject("issuetype").put("name", settings.issueType());
        fields.put("summary", title);
        fields.set("description", readTree(descriptionAdf));
        ArrayNode labels = fields.putArray("labels");
        settings.labels().forEach(labels::add);
        labels.add(label);
        String jiraPriority = priority == null ? null : settings.priorities().get(priority);
        if (jiraPriority != null) {
            fields.putObject("priority").put("name", jiraPriority);
        }
        for (Iterator<Map.Entry<String, JsonNode>> extra = settings.extraFields().fields(); extra.hasNext(); ) {
            Map.Entry<String, JsonNode> field = extra.next();
            fields.set(field.getKey(), field.getValue());
        }
        ObjectNode body = json.createObjectNode();
        body.set("fields", fields);
        return HttpCall.post(CREATE_ISSUE, body.toString());
    }

    /** A JQL string literal: quoted, with quotes and backslashes escaped. */
    static String jqlString(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private JsonNode readTree(String adf) {
        try {
            return json.readTree(adf);
        } catch (Exception e) {
            throw new IllegalStateException("a stored description is not JSON", e);
        }
    }
}
