package io.postmortembridge.jira;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.postmortembridge.http.VendorCall;
import io.postmortembridge.incident.IncidentSnapshot;
import io.postmortembridge.incident.pagerduty.PagerDutyWebhookParser;
import io.postmortembridge.postmortem.Draft;
import io.postmortembridge.postmortem.DraftComposer;
import io.postmortembridge.postmortem.DraftSettings;
import io.postmortembridge.postmortem.document.AdfRenderer;
import io.postmortembridge.testsupport.Refdata;
import io.postmortembridge.timeline.Timeline;

class JiraRequestsTest {

    private static final String LABEL = "postmortem-bridge-pagerduty-Q3B15VLMF3ASBD";

    private final ObjectMapper json = new ObjectMapper();
    private final JiraRequests requests = new JiraRequests(settings(), json);

    private JiraSettings settings() {
        Map<String, String> priorities = new LinkedHashMap<>();
        priorities.put("P1", "Highest");
        priorities.put("P2", "High");
        priorities.put("P3", "Medium");
        ObjectNode extra = json.createObjectNode();
        extra.putObject("customfield_10010").put("value", "Platform");
        extra.putArray("components").addObject().put("name", "Checkout");
        return new JiraSettings("https://acme.atlassian.net", "PM", "Task", List.of("postmortem", "sre-review"),
                priorities, extra, Duration.ofSeconds(60), "Close");
    }

    @Test
    void jqlLiteralIsQuoted() {
        assertThat(JiraRequests.jqlString("PM")).isEqualTo("\"PM\"");
    }

    @Test
    void jqlLiteralEscapesQuotesAndBackslashes() {
        assertThat(JiraRequests.jqlString("a\"b")).isEqualTo("\"a\\\"b\"");
        assertThat(JiraRequests.jqlString("a\\b")).isEqualTo("\"a\\\\b\"");
        assertThat(JiraRequests.jqlString("\\\"")).isEqualTo("\"\\\\\\\"\"");
    }

    @Test
    void jqlLiteralCannotBeClosedFromInside() {
        String literal = JiraRequests.jqlString("x\" OR project != \"PM\\");

        assertThat(literal).isEqualTo("\"x\\\" OR project != \\\"PM\\\\\"");
        // every quote inside is preceded by an odd number of backslashes
        String inner = literal.substring(1, literal.length() - 1);
        for (int i = inner.indexOf('"'); i >= 0; i = inner.indexOf('"', i + 1)) {
            int slashes = 0;
            for (int j = i - 1; j >= 0 && inner.charAt(j) == '\\'; j--) {
                slashes++;
            }
            assertThat(slashes % 2).as("backslashes before the quote at %d", i).isEqualTo(1);
        }
    }

    @Test
    void findByLabelSearchesTheProjectForTheOldestIssueWithTheLabel() throws Exception {
        VendorCall call = requests.findByLabel(LABEL);

        assertThat(call.method()).isEqualTo("POST");
        assertThat(call.path()).isEqualTo("/rest/api/3/search/jql");
        assertThat(call.query()).isEmpty();
        assertThat(json.readTree(call.body())).isEqualTo(json.readTree("""
                {"jql": "project = \\"PM\\" AND labels = \\"postmortem-bridge-pagerduty-Q3B15VLMF3ASBD\\" ORDER BY created ASC",
                 "fields": ["summary"], "maxResults": 1}"""));
    }

    @Test
    void findAllByLabelAsksForCreationTimesAndLinks() throws Exception {
        assertThat(json.readTree(requests.findAllByLabel(LABEL).body())).isEqualTo(json.readTree("""
                {"jql": "project = \\"PM\\" AND labels = \\"postmortem-bridge-pagerduty-Q3B15VLMF3ASBD\\" ORDER BY created ASC",
                 "fields": ["created", "issuelinks"], "maxResults": 20}"""));
    }

    @Test
    void duplicateLinkPointsFromTheDuplicateToTheOriginal() throws Exception {
        VendorCall call = requests.linkAsDuplicate("PM-8", "PM-7");

        assertThat(call.path()).isEqualTo("/rest/api/3/issueLink");
        assertThat(json.readTree(call.body())).isEqualTo(json.readTree("""
                {"type": {"name": "Duplicate"}, "outwardIssue": {"key": "PM-8"}, "inwardIssue": {"key": "PM-7"}}"""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"PM-0", "pm-1", "PM-1/../x", "PM-1?x", "PM", "-1", "PM-1 ", "../PM-1"})
    void onlyJiraIssueKeysReachAPath(String key) {
        assertThatThrownBy(() -> requests.transitions(key)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> requests.comment(key, json.createObjectNode()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void createBodyHasEveryField() throws Exception {
        Draft draft = checkoutDraft();
        String adf = AdfRenderer.render(draft.body()).toString();

        VendorCall call = requests.createIssue(draft.title(), adf, LABEL, "P2");

        assertThat(call.method()).isEqualTo("POST");
        assertThat(call.path()).isEqualTo("/rest/api/3/issue");
        JsonNode body = json.readTree(call.body());
        assertThat(body.size()).isEqualTo(1);
        JsonNode fields = body.get("fields");
        assertThat(fields.get("project")).isEqualTo(json.readTree("{\"key\":\"PM\"}"));
        assertThat(fields.get("issuetype")).isEqualTo(json.readTree("{\"name\":\"Task\"}"));
        assertThat(fields.get("summary").asText()).isEqualTo("Post-mortem: Critical: Checkout API High Latency");
        assertThat(fields.get("labels")).isEqualTo(json.readTree(
                "[\"postmortem\",\"sre-review\",\"postmortem-bridge-pagerduty-Q3B15VLMF3ASBD\"]"));
        assertThat(fields.get("priority")).isEqualTo(json.readTree("{\"name\":\"High\"}"));
        assertThat(fields.get("customfield_10010")).isEqualTo(json.readTree("{\"value\":\"Platform\"}"));
        assertThat(fields.get("components")).isEqualTo(json.readTree("[{\"name\":\"Checkout\"}]"));
        assertThat(fields.fieldNames()).toIterable().containsExactlyInAnyOrder("project", "issuetype", "summary",
                "description", "labels", "priority", "customfield_10010", "components");
    }

    @Test
    void descriptionIsAnAdfObjectNotAString() throws Exception {
        String adf = AdfRenderer.render(checkoutDraft().body()).toString();

        JsonNode description = json.readTree(requests.createIssue("t", adf, LABEL, "P1").body()).at("/fields/description");

        assertThat(description.isObject()).isTrue();
        assertThat(description).isEqualTo(json.readTree(adf));
        assertThat(description.get("type").asText()).isEqualTo("doc");
        assertThat(description.get("version").asInt()).isEqualTo(1);
    }

    @Test
    void storedDescriptionThatIsNotJsonIsRefused() {
        assertThatThrownBy(() -> requests.createIssue("t", "## Summary", LABEL, "P1"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not JSON");
    }

    @ParameterizedTest
    @CsvSource({"P1, Highest", "P3, Medium"})
    void priorityIsMapped(String incident, String jira) throws Exception {
        JsonNode fields = fieldsOf(incident);

        assertThat(fields.at("/priority/name").asText()).isEqualTo(jira);
    }

    @Test
    void unmappedOrMissingPriorityIsLeftOut() throws Exception {
        assertThat(fieldsOf("P4").has("priority")).isFalse();
        assertThat(fieldsOf("p1").has("priority")).isFalse();
        assertThat(fieldsOf(null).has("priority")).isFalse();
    }

    @Test
    void noConfiguredLabelsStillCarriesTheIdempotencyLabel() throws Exception {
        JiraRequests bare = new JiraRequests(new JiraSettings(null, "PM", "Task", List.of(), Map.of(),
                json.createObjectNode(), Duration.ofSeconds(60), null), json);

        JsonNode fields = json.readTree(bare.createIssue("t", "{\"type\":\"doc\",\"version\":1,\"content\":[]}", LABEL,
                "P1").body()).get("fields");

        assertThat(fields.get("labels")).isEqualTo(json.readTree("[\"" + LABEL + "\"]"));
        assertThat(fields.has("priority")).isFalse();
        assertThat(fields.fieldNames()).toIterable()
                .containsExactlyInAnyOrder("project", "issuetype", "summary", "description", "labels");
    }

    @Test
    void summaryIsSentAsText() throws Exception {
        String title = "Post-mortem: \"quoted\" \\ back <b> 決済 🔥";

        JsonNode fields = json.readTree(requests.createIssue(title, "{\"type\":\"doc\",\"version\":1,\"content\":[]}",
                LABEL, null).body()).get("fields");

        assertThat(fields.get("summary").asText()).isEqualTo(title);
    }

    // --- helpers -------------------------------------------------------------------------------

    private JsonNode fieldsOf(String priority) throws Exception {
        return json.readTree(requests.createIssue("t", "{\"type\":\"doc\",\"version\":1,\"content\":[]}", LABEL,
                priority).body()).get("fields");
    }

    private Draft checkoutDraft() {
        PagerDutyWebhookParser parser = new PagerDutyWebhookParser(json);
        IncidentSnapshot incident = parser.read(Refdata.bytes("webhook-samples/pagerduty-v3/zulip/priority_updated_v3.json"))
                .incident();
        Timeline timeline = Timeline.of(List.of(parser.read(
                Refdata.bytes("webhook-samples/pagerduty-v3/zulip/annotated_v3.json")).event()),
                Instant.parse("2026-04-01T02:07:30Z"), Duration.ofHours(1));
        return new DraftComposer(new DraftSettings(Period.ofDays(14), ZoneId.of("UTC"), false, Duration.ofHours(1)))
                .compose(incident, timeline, "priority P1");
    }
}
