package io.postmortembridge.jira;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.postmortembridge.http.VendorCall;

/** The Jira Cloud REST v3 requests the post-mortem flow sends, built as Jira documents them. */
public final class JiraRequests {

    static final String SEARCH = "/rest/api/3/search/jql";
    static final String CREATE_ISSUE = "/rest/api/3/issue";
    static final String ISSUE_LINK = "/rest/api/3/issueLink";
    /** The link type every Jira site has built in; its outward description is "duplicates". */
    static final String DUPLICATE_LINK = "Duplicate";
    private static final Pattern ISSUE_KEY = Pattern.compile("[A-Z][A-Z0-9_]{0,254}-[1-9][0-9]{0,17}");

    private final JiraSettings settings;
    private final ObjectMapper json;

    public JiraRequests(JiraSettings settings, ObjectMapper json) {
        this.settings = settings;
        this.json = json;
    }

    /**
     * Finds an issue already carrying the idempotency label: the one created by an attempt whose
     * answer never reached the incident log; the oldest, should there be two. ({@code
     * /rest/api/3/search} is deprecated; this is its successor.)
     */
    public VendorCall findByLabel(String label) {
        return search(label, List.of("summary"), 1);
    }

    /** Every issue carrying the idempotency label, oldest first, with their links: a look for duplicates. */
    public VendorCall findAllByLabel(String label) {
        return search(label, List.of("created", "issuelinks"), 20);
    }

    private VendorCall search(String label, List<String> fields, int maxResults) {
        ObjectNode body = json.createObjectNode();
        body.put("jql", "project = " + jqlString(settings.project()) + " AND labels = " + jqlString(label)
                + " ORDER BY created ASC");
        ArrayNode wanted = body.putArray("fields");
        fields.forEach(wanted::add);
        body.put("maxResults", maxResults);
        return VendorCall.post(SEARCH, body.toString());
    }

    /** Links {@code duplicate} to {@code original} with Jira's built-in "Duplicate" link type. */
    public VendorCall linkAsDuplicate(String duplicate, String original) {
        ObjectNode body = json.createObjectNode();
        body.putObject("type").put("name", DUPLICATE_LINK);
        // the outward issue "duplicates" the inward one
        body.putObject("outwardIssue").put("key", issueKey(duplicate));
        body.putObject("inwardIssue").put("key", issueKey(original));
        return VendorCall.post(ISSUE_LINK, body.toString());
    }

    /** A comment whose body is an ADF document. */
    public VendorCall comment(String key, ObjectNode adf) {
        ObjectNode body = json.createObjectNode();
        body.set("body", adf);
        return VendorCall.post(CREATE_ISSUE + "/" + issueKey(key) + "/comment", body.toString());
    }

    /** The transitions the issue's workflow offers from its current status. */
    public VendorCall transitions(String key) {
        return VendorCall.get(CREATE_ISSUE + "/" + issueKey(key) + "/transitions", List.of());
    }

    public VendorCall transition(String key, String transitionId) {
        ObjectNode body = json.createObjectNode();
        body.putObject("transition").put("id", transitionId);
        return VendorCall.post(CREATE_ISSUE + "/" + issueKey(key) + "/transitions", body.toString());
    }

    /** An issue key as Jira makes them (PM-12): anything else must not reach a URL path. */
    static String issueKey(String key) {
        if (key == null || !ISSUE_KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("not a Jira issue key: " + key);
        }
        return key;
    }

    /**
     * @param descriptionAdf the description as stored, ADF JSON
     * @param priority       the incident's priority (P1..), or null
     */
    public VendorCall createIssue(String title, String descriptionAdf, String label, String priority) {
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
        return VendorCall.post(CREATE_ISSUE, body.toString());
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
