package io.postmortembridge.testsupport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

/**
 * Jira's issues as its search sees them: not read-after-write consistent. Creates made through a stub
 * naming this transformer are kept, with their labels and creation time, and searches through such a
 * stub find an issue only once it is older than the lag, as Jira documents its search index may lag.
 * A stub's own delay still applies after the issue is made: a create whose answer is delayed past the
 * client's timeout is an issue Jira has and the client does not know of.
 */
public final class LaggingJiraSearch implements ResponseDefinitionTransformerV2 {

    public static final String NAME = "lagging-jira-search";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LABEL = Pattern.compile("labels = \"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final DateTimeFormatter JIRA_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ")
            .withZone(ZoneOffset.UTC);

    /** An issue as the stand-in holds it. */
    public record Issue(String id, String key, List<String> labels, Instant created) {
    }

    private final List<Issue> issues = new CopyOnWriteArrayList<>();
    private final AtomicInteger numbers = new AtomicInteger();
    private final Clock clock = Clock.systemUTC();
    private volatile Duration lag = Duration.ZERO;

    /** How long a new issue stays out of search results. */
    public void lag(Duration lag) {
        this.lag = lag;
    }

    /** An issue that exists already, made some time ago. */
    public Issue add(String label, Instant created) {
        int number = numbers.incrementAndGet();
        Issue issue = new Issue(Integer.toString(10_000 + number), "PM-" + number, List.of(label), created);
        issues.add(issue);
        return issue;
    }

    public List<Issue> issues() {
        return List.copyOf(issues);
    }

    public void clear() {
        issues.clear();
        numbers.set(0);
        lag = Duration.ZERO;
    }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
        ResponseDefinition stub = event.getResponseDefinition();
        String url = event.getRequest().getUrl();
        try {
            JsonNode body = JSON.readTree(event.getRequest().getBodyAsString());
            if (url.equals("/rest/api/3/issue")) {
                return answer(stub, 201, created(body));
            }
            if (url.equals("/rest/api/3/search/jql")) {
                return answer(stub, 200, search(body));
            }
        } catch (Exception e) {
            return answer(stub, 400, "{\"errorMessages\":[\"stand-in could not read the request: " + e + "\"]}");
        }
        return stub;
    }

    private String created(JsonNode body) {
        List<String> labels = JSON.convertValue(body.at("/fields/labels"),
                JSON.getTypeFactory().constructCollectionType(List.class, String.class));
        int number = numbers.incrementAndGet();
        Issue issue = new Issue(Integer.toString(10_000 + number), "PM-" + number, labels, clock.instant());
        issues.add(issue);
        return "{\"id\":\"" + issue.id() + "\",\"key\":\"" + issue.key() + "\",\"self\":\"http://jira/rest/api/3/issue/"
                + issue.id() + "\"}";
    }

    private String search(JsonNode body) {
        Matcher label = LABEL.matcher(body.path("jql").asText());
        if (!label.find()) {
            throw new IllegalArgumentException("the stand-in searches by label only");
        }
        String wanted = label.group(1).replace("\\\"", "\"").replace("\\\\", "\\");
        Instant indexedBefore = clock.instant().minus(lag);
        ObjectNode answer = JSON.createObjectNode();
        ArrayNode found = answer.putArray("issues");
        issues.stream()
                .filter(i -> i.labels().contains(wanted) && !i.created().isAfter(indexedBefore))
                .sorted((a, b) -> a.created().compareTo(b.created()))
                .limit(body.path("maxResults").asInt(50))
                .forEach(i -> {
                    ObjectNode issue = found.addObject().put("id", i.id()).put("key", i.key());
                    ObjectNode fields = issue.putObject("fields");
                    fields.put("summary", "Post-mortem");
                    fields.put("created", JIRA_TIME.format(i.created()));
                    fields.putArray("issuelinks");
                });
        answer.put("isLast", true);
        return answer.toString();
    }

    /** The stub's answer with this status and JSON body; its delay and other settings kept. */
    static ResponseDefinition answer(ResponseDefinition stub, int status, String body) {
        return ResponseDefinitionBuilder.like(stub).but().withStatus(status)
                .withHeader("Content-Type", "application/json").withBody(body).build();
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
