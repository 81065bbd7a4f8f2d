package io.postmortembridge.testsupport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

/**
 * Jira's action issues as a stand-in holds them: what bulk creates made (per project, numbered as
 * Jira numbers them), found again by a label search ({@code labels in (...)}) once older than the
 * search lag, as Jira documents its index may lag. A refusal rule makes single elements of a bulk
 * create fail the way Jira reports them ({@code errors[].failedElementNumber}).
 */
public final class JiraActionsStandIn implements ResponseDefinitionTransformerV2 {

    public static final String NAME = "jira-actions-stand-in";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern QUOTED = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final DateTimeFormatter JIRA_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ")
            .withZone(ZoneOffset.UTC);

    /** An issue a bulk create made, with the fields it was sent. */
    public record Issue(String key, JsonNode fields, JsonNode update, Instant created) {

        public List<String> labels() {
            List<String> labels = new ArrayList<>();
            fields.path("labels").forEach(l -> labels.add(l.asText()));
            return labels;
        }
    }

    private final List<Issue> issues = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> numbers = new HashMap<>();
    private final Clock clock = Clock.systemUTC();
    private volatile Duration lag = Duration.ZERO;
    private volatile Function<JsonNode, String> refusal = fields -> null;

    public void lag(Duration lag) {
        this.lag = lag;
    }

    /** @param refusal for an issue's fields, the field error Jira answers ("assignee: ...") or null to create it */
    public void refuse(Function<JsonNode, String> refusal) {
        this.refusal = refusal;
    }

    public List<Issue> issues() {
        return List.copyOf(issues);
    }

    public synchronized void clear() {
        issues.clear();
        numbers.clear();
        lag = Duration.ZERO;
        refusal = fields -> null;
    }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
        ResponseDefinition stub = event.getResponseDefinition();
        String url = event.getRequest().getUrl();
        try {
            JsonNode body = JSON.readTree(event.getRequest().getBodyAsString());
            if (url.equals("/rest/api/3/issue/bulk")) {
                return bulkCreate(stub, body);
            }
            if (url.equals("/rest/api/3/search/jql")) {
                return LaggingJiraSearch.answer(stub, 200, search(body));
            }
        } catch (Exception e) {
            return LaggingJiraSearch.answer(stub, 400,
                    "{\"errorMessages\":[\"stand-in could not read the request: " + e + "\"]}");
        }
        return stub;
    }

    private synchronized ResponseDefinition bulkCreate(ResponseDefinition stub, JsonNode body) {
        ObjectNode answer = JSON.createObjectNode();
        ArrayNode created = answer.putArray("issues");
        ArrayNode errors = answer.putArray("errors");
        JsonNode updates = body.path("issueUpdates");
        for (int i = 0; i < updates.size(); i++) {
            JsonNode fields = updates.get(i).path("fields");
            String refused = refusal.apply(fields);
            if (refused != null) {
                String[] fieldAndMessage = refused.split(": ", 2);
                ObjectNode error = errors.addObject();
                error.put("failedElementNumber", i);
                error.put("status", 400);
                ObjectNode elementErrors = error.putObject("elementErrors");
                elementErrors.putArray("errorMessages");
                elementErrors.putObject("errors").put(fieldAndMessage[0], fieldAndMessage[1]);
                continue;
            }
            String project = fields.at("/project/key").asText();
            int number = numbers.merge(project, 1, Integer::sum);
            Issue issue = new Issue(project + "-" + number, fields, updates.get(i).path("update"), clock.instant());
            issues.add(issue);
            created.addObject().put("id", Integer.toString(20_000 + issues.size())).put("key", issue.key())
                    .put("self", "http://jira/rest/api/3/issue/" + issue.key());
        }
        return LaggingJiraSearch.answer(stub, 201, answer.toString());
    }

    private String search(JsonNode body) {
        String jql = body.path("jql").asText();
        int in = jql.indexOf("labels in (");
        if (in < 0) {
            throw new IllegalArgumentException("the stand-in searches by labels in (...) only");
        }
        List<String> wanted = new ArrayList<>();
        Matcher quoted = QUOTED.matcher(jql.substring(in, jql.indexOf(')', in)));
        while (quoted.find()) {
            wanted.add(quoted.group(1).replace("\\\"", "\"").replace("\\\\", "\\"));
        }
        Instant indexedBefore = clock.instant().minus(lag);
        ObjectNode answer = JSON.createObjectNode();
        ArrayNode found = answer.putArray("issues");
        issues.stream()
                .filter(i -> i.labels().stream().anyMatch(wanted::contains) && !i.created().isAfter(indexedBefore))
                .forEach(i -> {
                    ObjectNode issue = found.addObject().put("id", "1").put("key", i.key());
                    ObjectNode fields = issue.putObject("fields");
                    fields.set("labels", i.fields().path("labels"));
                    fields.put("summary", i.fields().path("summary").asText());
                    fields.put("created", JIRA_TIME.format(i.created()));
                    fields.putObject("status").put("name", "To Do").putObject("statusCategory").put("key", "new");
                });
        answer.put("isLast", true);
        return answer.toString();
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }
}
