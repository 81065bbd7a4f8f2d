package io.postmortembridge.jira;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.postmortembridge.failure.PermanentFailure;
import io.postmortembridge.failure.TransientFailure;
import io.postmortembridge.http.VendorCall;
import io.postmortembridge.http.VendorReply;

/**
 * The Jira Cloud REST v3 requests that push a post-mortem's actions into the teams' projects, and
 * the reading of their answers: bulk create, search by label, issue read.
 */
public final class JiraActionRequests {

    static final String BULK_CREATE = "/rest/api/3/issue/bulk";
    static final String SEARCH = JiraRequests.SEARCH;
    static final String ISSUE = JiraRequests.CREATE_ISSUE;
    /** Jira documents at most 50 issues per bulk create. */
    public static final int BULK_LIMIT = 50;
    /** Jira refuses a summary longer than 255 characters. */
    static final int SUMMARY_LIMIT = 255;
    static final int SEARCH_PAGE = 100;
    /** The link type every Jira site has built in; both directions read "relates to". */
    static final String RELATES = "Relates";
    /** Fields the push itself sets; a team's extra fields may not replace them. */
    public static final Set<String> OWN_FIELDS = Set.of(
            "project", "issuetype", "summary", "description", "assignee", "duedate", "labels", "priority");
    static final List<String> SEARCH_FIELDS = List.of("labels", "status", "summary", "assignee", "duedate", "created");
    static final String READ_FIELDS = "summary,description,labels,status,updated,project";

    private final ObjectMapper json;

    public JiraActionRequests(ObjectMapper json) {
        this.json = json;
    }

    /**
     * One action as a Jira issue to create.
     *
     * @param project           project key, e.g. PAY
     * @param issueType         issue type name in that project, e.g. Task
     * @param summary           the action's text; made one line of at most 255 characters
     * @param descriptionAdf    the description, an ADF document; null for none
     * @param assigneeAccountId the owner's Jira account id; null to leave it unassigned
     * @param due               the due date; null for none
     * @param priority          a Jira priority name; null to let Jira use its default
     * @param labels            labels, including the action's idempotency label
     * @param linkTo            the post-mortem issue's key, linked with "Relates"; null for no link
     * @param extraFields       fields the team's project requires (config/teams.yaml {@code fields}); null for none
     */
    public record NewActionIssue(String project, String issueType, String summary, ObjectNode descriptionAdf,
            String assigneeAccountId, LocalDate due, String priority, List<String> labels, String linkTo,
            ObjectNode extraFields) {

        public NewActionIssue {
            labels = labels == null ? List.of() : List.copyOf(labels);
        }
    }

    // ---------------------------------------------------------------- bulk create

    /** One bulk create of 1 to 50 issues, in the given order. */
    public VendorCall bulkCreate(List<NewActionIssue> issues) {
        if (issues.isEmpty() || issues.size() > BULK_LIMIT) {
            throw new IllegalArgumentException("a bulk create takes 1 to " + BULK_LIMIT + " issues, not " + issues.size());
        }
        ObjectNode body = json.createObjectNode();
        ArrayNode updates = body.putArray("issueUpdates");
        issues.forEach(issue -> updates.add(issueUpdate(issue)));
        return VendorCall.post(BULK_CREATE, body.toString());
    }

    /** As many bulk creates as the issues need, 50 at most each, in order. */
    public List<VendorCall> bulkCreates(List<NewActionIssue> issues) {
        List<VendorCall> calls = new ArrayList<>();
        for (int from = 0; from < issues.size(); from += BULK_LIMIT) {
            calls.add(bulkCreate(issues.subList(from, Math.min(issues.size(), from + BULK_LIMIT))));
        }
        return calls;
    }

    private ObjectNode issueUpdate(NewActionIssue issue) {
        ObjectNode fields = json.createObjectNode();
        fields.putObject("project").put("key", projectKey(issue.project()));
        fields.putObject("issuetype").put("name", require(issue.issueType(), "issue type"));
        fields.put("summary", summary(issue.summary()));
        if (issue.descriptionAdf() != null) {
            fields.set("description", issue.descriptionAdf());
        }
        if (issue.assigneeAccountId() != null) {
            fields.putObject("assignee").put("accountId", issue.assigneeAccountId());
        }
        if (issue.due() != null) {
            fields.put("duedate", issue.due().toString()); // ISO yyyy-MM-dd
        }
        if (issue.priority() != null && !issue.priority().isBlank()) {
            fields.putObject("priority").put("name", issue.priority());
        }
        ArrayNode labels = fields.putArray("labels");
        issue.labels().forEach(labels::add);
        if (issue.extraFields() != null) {
            for (Iterator<Map.Entry<String, JsonNode>> extra = issue.extraFields().fields(); extra.hasNext(); ) {
                Map.Entry<String, JsonNode> field = extra.next();
                if (OWN_FIELDS.contains(field.getKey().toLowerCase(Locale.ROOT))) {
                    throw new IllegalArgumentException("extra field '" + field.getKey()
                            + "' would replace a field the push sets itself");
                }
                fields.set(field.getKey(), field.getValue().deepCopy());
            }
        }
        ObjectNode update = json.createObjectNode();
        update.set("fields", fields);
        if (issue.linkTo() != null) {
            ObjectNode link = update.putObject("update").putArray("issuelinks").addObject().putObject("add");
            link.putObject("type").put("name", RELATES);
            link.putObject("outwardIssue").put("key", JiraRequests.issueKey(issue.linkTo()));
        }
        return update;
    }

    /**
     * A summary Jira takes: one line (line breaks, tabs and control characters become spaces, runs
     * of spaces one), at most 255 characters; a longer text is cut at a word when one ends near the
     * limit, never inside a surrogate pair, and ends with "…".
     */
    static String summary(String text) {
        String line = require(text, "summary").replaceAll("[\\p{Cntrl}\\p{Zl}\\p{Zp}\\s]+", " ").strip();
        if (line.isEmpty()) {
            throw new IllegalArgumentException("an action's summary is blank");
        }
        if (line.length() <= SUMMARY_LIMIT) {
            return line;
        }
        int end = SUMMARY_LIMIT - 1; // room for the ellipsis
        if (Character.isLowSurrogate(line.charAt(end))) {
            end--; // do not split a pair
        }
        int space = line.lastIndexOf(' ', end);
        if (space > end - 40) {
            end = space;
        }
        return line.substring(0, end).stripTrailing() + "…";
    }

    /**
     * Reads a bulk create's answer: Jira's 201 (some or all created) and 400 (none created) carry the
     * same shape, {@code issues} (the created ones, in request order, skipping the failed) and
     * {@code errors} (each with the 0-based {@code failedElementNumber} of the failed element). A 400
     * that refused the whole request with a plain error collection refuses every element.
     *
     * @param count how many issues the request held
     * @throws IllegalArgumentException when the answer is not JSON, or its issues and errors cannot be
     *                                  matched to the request's elements one for one
     */
    public BulkCreateOutcome parseBulkCreate(String body, int count) {
        JsonNode answer = readJson(body);
        if (answer == null || !answer.isObject()) {
            throw new IllegalArgumentException("the bulk create's answer is not a JSON object");
        }
        JsonNode errors = answer.path("errors");
        JsonNode issues = answer.path("issues");
        if (!issues.isArray() && !errors.isArray()) {
            if (answer.has("errorMessages") || errors.isObject()) {
                // the request as a whole was refused: nothing was created
                BulkCreateOutcome.Refused refused = refused(answer.path("status").asInt(400), answer);
                return new BulkCreateOutcome(Collections.nCopies(count, refused));
            }
            throw new IllegalArgumentException("the bulk create's answer has neither issues nor errors");
        }
        Map<Integer, BulkCreateOutcome.Result> failed = new TreeMap<>();
        for (JsonNode error : errors) {
            JsonNode number = error.path("failedElementNumber");
            if (!number.canConvertToInt() || number.asInt() < 0 || number.asInt() >= count) {
                throw new IllegalArgumentException("the bulk create's answer names failed element " + number
                        + " of a request of " + count);
            }
            failed.put(number.asInt(), refused(error.path("status").asInt(400), error.path("elementErrors")));
        }
        int created = issues.isArray() ? issues.size() : 0;
        if (created + failed.size() != count) {
            throw new IllegalArgumentException("the bulk create's answer lists " + created + " created and "
                    + failed.size() + " failed issues for a request of " + count);
        }
        List<BulkCreateOutcome.Result> results = new ArrayList<>(count);
        Iterator<JsonNode> made = issues.iterator();
        for (int i = 0; i < count; i++) {
            BulkCreateOutcome.Result failure = failed.get(i);
            if (failure != null) {
                results.add(failure);
                continue;
            }
            String key = made.next().path("key").asText("");
            if (key.isEmpty()) {
                throw new IllegalArgumentException("the bulk create's answer lists an issue without a key");
            }
            results.add(new BulkCreateOutcome.Created(key));
        }
        return new BulkCreateOutcome(results);
    }

    /**
     * A bulk create's reply read for the caller: rate limiting and server trouble are transient; a
     * refused credential or permission is permanent; otherwise each element's fate.
     *
     * @param what how messages name the work, e.g. "create the actions of PM-12 in project PAY"
     */
    public BulkCreateOutcome bulkCreateOutcome(VendorReply reply, int count, String what) {
        if (reply.isTransientFailure()) {
            throw reply.transientFailure("Jira (" + what + ")");
        }
        switch (reply.status()) {
            case 401 -> throw new PermanentFailure("Jira refused to " + what + " (HTTP 401)" + problemsSuffix(reply.body())
                    + ". To fix: check JIRA_EMAIL and JIRA_API_TOKEN (an API token of that Atlassian account)");
            case 403 -> throw new PermanentFailure("Jira refused to " + what + " (HTTP 403)" + problemsSuffix(reply.body())
                    + ". To fix: the account behind JIRA_EMAIL needs the Browse projects and Create issues "
                    + "permissions in the team's project");
            case 404 -> throw new PermanentFailure("Jira answered HTTP 404 to " + what
                    + ". To fix: check JIRA_BASE_URL (it should look like https://your-site.atlassian.net)");
            default -> { }
        }
        if (!reply.isSuccess() && reply.status() != 400) {
            throw new PermanentFailure("Jira refused to " + what + " (HTTP " + reply.status() + ")"
                    + problemsSuffix(reply.body()));
        }
        try {
            return parseBulkCreate(reply.body(), count);
        } catch (IllegalArgumentException e) {
            if (reply.status() == 400) {
                throw new PermanentFailure("Jira refused to " + what + " (HTTP 400): " + e.getMessage());
            }
            // Jira may have created some: the next attempt finds them by their labels instead of making them again
            throw new TransientFailure("Jira's answer to " + what + " cannot be read (" + e.getMessage()
                    + "); the next attempt looks for the issues by their labels first", null);
        }
    }

    private static BulkCreateOutcome.Refused refused(int status, JsonNode collection) {
        List<String> messages = new ArrayList<>();
        collection.path("errorMessages").forEach(m -> messages.add(m.asText()));
        Map<String, String> fieldErrors = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = collection.path("errors").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            fieldErrors.put(e.getKey(), e.getValue().asText());
        }
        return new BulkCreateOutcome.Refused(status, fieldErrors, messages);
    }

    // ---------------------------------------------------------------- search by label

    /** One issue a label search found. */
    public record FoundIssue(String key, List<String> labels, String status, String statusCategory, String summary,
            String assigneeAccountId, String duedate, String created) {
        public FoundIssue {
            labels = List.copyOf(labels);
        }
    }

    /**
     * One page of a label search.
     *
     * @param nextPageToken the token of the next page; null on the last page
     */
    public record LabelSearchPage(List<FoundIssue> issues, String nextPageToken) {
        public LabelSearchPage {
            issues = List.copyOf(issues);
        }

        public boolean isLast() {
            return nextPageToken == null;
        }
    }

    /**
     * The issues carrying any of the labels (oldest first), 100 a page.
     *
     * @param project       a project key to search in, or null for every project the account sees
     * @param nextPageToken the previous page's token, or null for the first page
     */
    public VendorCall searchByLabels(String project, List<String> labels, String nextPageToken) {
        if (labels.isEmpty()) {
            throw new IllegalArgumentException("a label search needs at least one label");
        }
        StringBuilder jql = new StringBuilder();
        if (project != null) {
            jql.append("project = ").append(JiraRequests.jqlString(projectKey(project))).append(" AND ");
        }
        jql.append("labels in (")
                .append(labels.stream().map(JiraRequests::jqlString).collect(Collectors.joining(", ")))
                .append(") ORDER BY created ASC");
        ObjectNode body = json.createObjectNode();
        body.put("jql", jql.toString());
        ArrayNode fields = body.putArray("fields");
        SEARCH_FIELDS.forEach(fields::add);
        body.put("maxResults", SEARCH_PAGE);
        if (nextPageToken != null) {
            body.put("nextPageToken", nextPageToken);
        }
        return VendorCall.post(SEARCH, body.toString());
    }

    /** Reads one page of a label search's answer. */
    public LabelSearchPage parseLabelSearch(String body) {
        JsonNode answer = readJson(body);
        if (answer == null || !answer.path("issues").isArray()) {
            throw new IllegalArgumentException("the search's answer has no issues");
        }
        List<FoundIssue> found = new ArrayList<>();
        for (JsonNode issue : answer.get("issues")) {
            JsonNode fields = issue.path("fields");
            List<String> labels = new ArrayList<>();
            fields.path("labels").forEach(l -> labels.add(l.asText()));
            found.add(new FoundIssue(issue.path("key").asText(), labels,
                    text(fields.path("status").path("name")),
                    text(fields.path("status").path("statusCategory").path("key")),
                    text(fields.path("summary")),
                    text(fields.path("assignee").path("accountId")),
                    text(fields.path("duedate")),
                    text(fields.path("created"))));
        }
        boolean last = answer.path("isLast").asBoolean(true);
        String token = text(answer.path("nextPageToken"));
        return new LabelSearchPage(found, last || token == null || token.isEmpty() ? null : token);
    }

    /**
     * For each label, the keys of the issues carrying it, oldest first (by created, then by issue
     * number); a label no issue carries is absent. Labels are compared ignoring case, as JQL does.
     */
    public static Map<String, List<String>> keysByLabel(List<String> labels, Collection<FoundIssue> issues) {
        Map<String, String> wanted = new HashMap<>();
        labels.forEach(l -> wanted.putIfAbsent(l.toLowerCase(Locale.ROOT), l));
        Map<String, List<FoundIssue>> byLabel = new LinkedHashMap<>();
        for (FoundIssue issue : issues) {
            issue.labels().stream()
                    .map(l -> wanted.get(l.toLowerCase(Locale.ROOT)))
                    .filter(Objects::nonNull)
                    .distinct()
                    .forEach(label -> byLabel.computeIfAbsent(label, k -> new ArrayList<>()).add(issue));
        }
        Map<String, List<String>> keys = new LinkedHashMap<>();
        for (String label : labels) {
            List<FoundIssue> carrying = byLabel.get(label);
            if (carrying != null && !keys.containsKey(label)) {
                keys.put(label, carrying.stream().distinct().sorted(OLDEST_FIRST).map(FoundIssue::key).toList());
            }
        }
        return keys;
    }

    /** By when Jira says each was created (unknown last), then by issue number. */
    private static final Comparator<FoundIssue> OLDEST_FIRST = Comparator
            .comparing((FoundIssue i) -> createdInstant(i.created()))
            .thenComparingLong(i -> issueNumber(i.key()));

    private static Instant createdInstant(String created) {
        if (created == null) {
            return Instant.MAX;
        }
        return JiraTime.parse(created).orElseGet(() -> {
            try {
                return OffsetDateTime.parse(created).toInstant();
            } catch (DateTimeParseException e) {
                return Instant.MAX;
            }
        });
    }

    private static long issueNumber(String key) {
        int dash = key == null ? -1 : key.lastIndexOf('-');
        try {
            return dash < 0 ? Long.MAX_VALUE : Long.parseLong(key.substring(dash + 1));
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    // ---------------------------------------------------------------- issue read

    /** An issue as the push reads it back. */
    public record IssueRead(String key, String projectKey, String summary, JsonNode description, List<String> labels,
            String status, String statusCategory, String updated) {
        public IssueRead {
            labels = List.copyOf(labels);
        }
    }

    /** The fields of an issue the push needs: summary, description, labels, status, updated, project. */
    public VendorCall readIssue(String key) {
        return VendorCall.get(ISSUE + "/" + JiraRequests.issueKey(key), List.of(Map.entry("fields", READ_FIELDS)));
    }

    public IssueRead parseIssue(String body) {
        JsonNode issue = readJson(body);
        if (issue == null || !issue.hasNonNull("key")) {
            throw new IllegalArgumentException("the answer is not a Jira issue");
        }
        JsonNode fields = issue.path("fields");
        List<String> labels = new ArrayList<>();
        fields.path("labels").forEach(l -> labels.add(l.asText()));
        JsonNode description = fields.path("description");
        return new IssueRead(issue.get("key").asText(), text(fields.path("project").path("key")),
                text(fields.path("summary")), description.isObject() ? description : null, labels,
                text(fields.path("status").path("name")), text(fields.path("status").path("statusCategory").path("key")),
                text(fields.path("updated")));
    }

    // ---------------------------------------------------------------- shared

    private static String projectKey(String key) {
        if (key == null || !key.matches("[A-Z][A-Z0-9_]{0,254}")) {
            throw new IllegalArgumentException("not a Jira project key: " + key);
        }
        return key;
    }

    private static String require(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("an action issue needs a " + what);
        }
        return value;
    }

    private static String text(JsonNode node) {
        return node.isValueNode() && !node.isNull() ? node.asText() : null;
    }

    private JsonNode readJson(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return json.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    /** Jira's error messages in an error body, {@code field: message} for field errors; empty when none. */
    static List<String> problems(String body, ObjectMapper json) {
        List<String> problems = new ArrayList<>();
        JsonNode errors;
        try {
            errors = body == null || body.isBlank() ? null : json.readTree(body);
        } catch (IOException e) {
            errors = null;
        }
        if (errors == null) {
            return problems;
        }
        errors.path("errorMessages").forEach(m -> problems.add(m.asText()));
        for (Iterator<Map.Entry<String, JsonNode>> it = errors.path("errors").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            problems.add(e.getKey() + ": " + e.getValue().asText());
        }
        return problems;
    }

    private String problemsSuffix(String body) {
        List<String> problems = problems(body, json);
        return problems.isEmpty() ? "" : ": " + String.join("; ", problems);
    }
}
