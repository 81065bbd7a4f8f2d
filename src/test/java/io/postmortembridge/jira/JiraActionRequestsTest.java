package io.postmortembridge.jira;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.postmortembridge.jira.JiraActionFixtures.authenticated;
import static io.postmortembridge.jira.JiraActionFixtures.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.postmortembridge.failure.PermanentFailure;
import io.postmortembridge.failure.TransientFailure;
import io.postmortembridge.http.VendorCall;
import io.postmortembridge.http.VendorReply;
import io.postmortembridge.jira.BulkCreateOutcome.Created;
import io.postmortembridge.jira.BulkCreateOutcome.Refused;
import io.postmortembridge.jira.JiraActionRequests.FoundIssue;
import io.postmortembridge.jira.JiraActionRequests.LabelSearchPage;
import io.postmortembridge.jira.JiraActionRequests.NewActionIssue;
import io.postmortembridge.testsupport.HttpVendorClient;
import io.postmortembridge.testsupport.VendorApi;

/** The push's Jira requests (checked by the stand-in against Jira's spec) and the reading of Jira's answers. */
class JiraActionRequestsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BULK = "/rest/api/3/issue/bulk";
    private static final String SEARCH = "/rest/api/3/search/jql";

    @RegisterExtension
    static VendorApi jira = VendorApi.jira();

    private final JiraActionRequests requests = new JiraActionRequests(JSON);
    private HttpVendorClient http;

    @BeforeEach
    void client() {
        jira.server().resetMappings();
        http = new HttpVendorClient(jira.baseUrl(), JiraActionFixtures.EMAIL, JiraActionFixtures.TOKEN);
    }

    private static ObjectNode adf(String text) {
        ObjectNode doc = JSON.createObjectNode().put("type", "doc").put("version", 1);
        doc.putArray("content").addObject().put("type", "paragraph")
                .putArray("content").addObject().put("type", "text").put("text", text);
        return doc;
    }

    private static NewActionIssue action(int n) {
        ObjectNode team = JSON.createObjectNode();
        team.putObject("customfield_10020").put("value", "Payments");
        return new NewActionIssue("PAY", "Task", "Add a retry budget to the checkout client " + n,
                adf("From post-mortem PM-12."), "5b10a2844c20165700ede21g", LocalDate.of(2026, 4, 1), "High",
                List.of("postmortem-action", "pm-action-pagerduty-q3b15-" + n), "PM-12", team);
    }

    // ---------------------------------------------------------------- bulk create

    @Test
    void bulkCreateIsWhatJirasSpecAsksForAndCarriesEveryField() throws Exception {
        jira.stubFor(authenticated(post(urlEqualTo(BULK)))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                        .withBody(fixture("bulk-created-all.json"))));

        VendorReply reply = http.send(requests.bulkCreate(List.of(action(1), action(2))));

        assertThat(reply.status()).isEqualTo(201);
        JsonNode sent = JSON.readTree(jira.server().findAll(postRequestedFor(urlEqualTo(BULK))).get(0).getBodyAsString());
        assertThat(sent.get("issueUpdates")).hasSize(2);
        assertThat(sent.at("/issueUpdates/0")).isEqualTo(JSON.readTree("""
                {"fields": {
                   "project": {"key": "PAY"},
                   "issuetype": {"name": "Task"},
                   "summary": "Add a retry budget to the checkout client 1",
                   "description": {"type": "doc", "version": 1, "content": [{"type": "paragraph",
                       "content": [{"type": "text", "text": "From post-mortem PM-12."}]}]},
                   "assignee": {"accountId": "5b10a2844c20165700ede21g"},
                   "duedate": "2026-04-01",
                   "priority": {"name": "High"},
                   "labels": ["postmortem-action", "pm-action-pagerduty-q3b15-1"],
                   "customfield_10020": {"value": "Payments"}},
                 "update": {"issuelinks": [{"add": {"type": {"name": "Relates"}, "outwardIssue": {"key": "PM-12"}}}]}}
                """));
        assertThat(requests.bulkCreateOutcome(reply, 2, "create 2 actions")).isEqualTo(
                new BulkCreateOutcome(List.of(new Created("ED-24"), new Created("ED-25"))));
    }

    @Test
    void optionalFieldsLeftOutWhenNotGiven() {
        NewActionIssue bare = new NewActionIssue("PAY", "Task", "Document the failover", null, null, null, null,
                List.of("pm-action-x"), null, null);

        JsonNode issue = readBody(requests.bulkCreate(List.of(bare))).at("/issueUpdates/0");

        assertThat(issue.has("update")).isFalse();
        assertThat(issue.get("fields").properties()).extracting(Map.Entry::getKey)
                .containsExactly("project", "issuetype", "summary", "labels");
    }

    @Test
    void bulkCreatesTakeFiftyIssuesACallInOrder() {
        List<NewActionIssue> issues = IntStream.range(0, 120).mapToObj(JiraActionRequestsTest::action).toList();

        List<VendorCall> calls = requests.bulkCreates(issues);

        assertThat(calls).extracting(c -> readBody(c).get("issueUpdates").size()).containsExactly(50, 50, 20);
        assertThat(readBody(calls.get(1)).at("/issueUpdates/0/fields/summary").asText()).endsWith(" 50");
        assertThatThrownBy(() -> requests.bulkCreate(issues)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void extraFieldsMayNotReplaceTheFieldsThePushSets() {
        ObjectNode extra = JSON.createObjectNode().put("Summary", "something else");
        NewActionIssue issue = new NewActionIssue("PAY", "Task", "Fix it", null, null, null, null, List.of(), null, extra);

        assertThatThrownBy(() -> requests.bulkCreate(List.of(issue))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Summary");
    }

    @Test
    void summaryIsOneLineOfAtMost255CharactersCutAtAWord() {
        assertThat(JiraActionRequests.summary("  Add\ta retry\r\nbudget  ")).isEqualTo("Add a retry budget");

        String words = "Make the checkout client give up after its retry budget is spent ".repeat(6);
        String cut = JiraActionRequests.summary(words);
        assertThat(cut).hasSizeLessThanOrEqualTo(255).endsWith("…");
        assertThat(words).startsWith(cut.substring(0, cut.length() - 1));
        assertThat(cut.charAt(cut.length() - 2)).isNotEqualTo(' ');
    }

    @Test
    void summaryCutNeverSplitsACharacterOutsideTheBasicPlane() {
        String emoji = "\uD83D\uDD25"; // one code point, two chars
        String text = "x".repeat(253) + emoji + "y".repeat(10);

        String cut = JiraActionRequests.summary(text);

        assertThat(cut.length()).isLessThanOrEqualTo(255);
        assertThat(cut.codePoints().allMatch(Character::isValidCodePoint)).isTrue();
        assertThat(Character.isHighSurrogate(cut.charAt(cut.length() - 2))).isFalse();
        assertThat(cut).isEqualTo("x".repeat(253) + "…");
    }

    // ---------------------------------------------------------------- reading bulk create answers

    @Test
    void mixedAnswerMapsEachIssueToItsOwnOutcome() {
        // 4 sent; elements 1 and 3 failed; "issues" lists the 2 created, in request order
        BulkCreateOutcome outcome = requests.parseBulkCreate(fixture("bulk-created-some.json"), 4);

        assertThat(outcome.results()).containsExactly(
                new Created("PAY-101"),
                new Refused(400, Map.of("customfield_10020", "Team is required.",
                        "duedate", "Error parsing date string: 31/12"), List.of()),
                new Created("PAY-102"),
                new Refused(400, Map.of(), List.of("You do not have permission to create issues in this project.")));
        assertThat(outcome.createdKeys()).containsExactly("PAY-101", "PAY-102");
        assertThat(outcome.allCreated()).isFalse();
        assertThat(((Refused) outcome.get(1)).describe())
                .isEqualTo("customfield_10020: Team is required.; duedate: Error parsing date string: 31/12");
    }

    @Test
    void failedElementFirstShiftsTheCreatedOnesDown() {
        String body = """
                {"issues":[{"id":"10600","key":"PAY-7","self":"https://your-domain.atlassian.net/rest/api/3/issue/10600"}],
                 "errors":[{"status":400,"failedElementNumber":0,
                            "elementErrors":{"errorMessages":[],"errors":{"assignee":"User 'x' cannot be assigned issues."}}}]}
                """;

        assertThat(requests.parseBulkCreate(body, 2).results()).containsExactly(
                new Refused(400, Map.of("assignee", "User 'x' cannot be assigned issues."), List.of()),
                new Created("PAY-7"));
    }

    @Test
    void allFailedAnswerRefusesEveryIssue() {
        BulkCreateOutcome outcome = requests.parseBulkCreate(fixture("bulk-created-none.json"), 2);

        assertThat(outcome.results()).hasSize(2).allSatisfy(r -> assertThat(r).isInstanceOfSatisfying(Refused.class,
                refused -> assertThat(refused.fieldErrors()).containsEntry("issuetype", "The issue type selected is invalid.")));
        assertThat(outcome.createdKeys()).isEmpty();
    }

    @Test
    void allCreatedAnswerMapsInOrder() {
        BulkCreateOutcome outcome = requests.parseBulkCreate(fixture("bulk-created-all.json"), 2);

        assertThat(outcome.results()).containsExactly(new Created("ED-24"), new Created("ED-25"));
        assertThat(outcome.allCreated()).isTrue();
    }

    @Test
    void requestRefusedAsAWholeRefusesEveryIssue() {
        String body = "{\"errorMessages\":[\"Field 'issueUpdates' is required.\"],\"errors\":{}}";

        assertThat(requests.parseBulkCreate(body, 3).results()).containsOnly(
                new Refused(400, Map.of(), List.of("Field 'issueUpdates' is required.")));
    }

    @Test
    void answerThatCannotBeMatchedToTheRequestIsNotGuessed() {
        assertThatThrownBy(() -> requests.parseBulkCreate(fixture("bulk-created-all.json"), 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 created and 0 failed");
        String outOfRange = "{\"issues\":[],\"errors\":[{\"status\":400,\"failedElementNumber\":5,"
                + "\"elementErrors\":{\"errorMessages\":[\"x\"],\"errors\":{}}}]}";
        assertThatThrownBy(() -> requests.parseBulkCreate(outOfRange, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unreadableCreatedAnswerIsTransientSoTheNextAttemptLooksByLabelFirst() {
        VendorReply reply = new VendorReply(201, "<html>gateway</html>", null);

        assertThatThrownBy(() -> requests.bulkCreateOutcome(reply, 2, "create the actions of PM-12"))
                .isInstanceOf(TransientFailure.class).hasMessageContaining("by their labels");
    }

    @Test
    void allRefusedOverHttpIsAnOutcomeNotAFailure() {
        jira.stubFor(authenticated(post(urlEqualTo(BULK))).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json").withBody(fixture("bulk-created-none.json"))));

        VendorReply reply = http.send(requests.bulkCreate(List.of(action(1), action(2))));

        assertThat(requests.bulkCreateOutcome(reply, 2, "create 2 actions").createdKeys()).isEmpty();
    }

    @Test
    void rateLimitedBulkCreateIsTransientWithRetryAfter() {
        jira.stubFor(authenticated(post(urlEqualTo(BULK)))
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "12")));

        VendorReply reply = http.send(requests.bulkCreate(List.of(action(1))));

        assertThatThrownBy(() -> requests.bulkCreateOutcome(reply, 1, "create 1 action"))
                .isInstanceOfSatisfying(TransientFailure.class,
                        f -> assertThat(f.retryAfter()).isEqualTo(Duration.ofSeconds(12)));
    }

    @Test
    void forbiddenBulkCreateSaysWhichPermissions() {
        VendorReply reply = new VendorReply(403, "{\"errorMessages\":[\"Forbidden\"],\"errors\":{}}", null);

        assertThatThrownBy(() -> requests.bulkCreateOutcome(reply, 1, "create 1 action"))
                .isInstanceOf(PermanentFailure.class).hasMessageContaining("Create issues");
    }

    // ---------------------------------------------------------------- search by labels

    @Test
    void labelSearchQuotesAndEscapesEveryLabel() throws Exception {
        jira.stubFor(authenticated(post(urlEqualTo(SEARCH))).willReturn(okJson("{\"issues\":[],\"isLast\":true}")));

        http.send(requests.searchByLabels("PAY", List.of("pm-action-1", "odd\"label", "back\\slash"), null));

        JsonNode sent = JSON.readTree(jira.server().findAll(postRequestedFor(urlEqualTo(SEARCH))).get(0).getBodyAsString());
        assertThat(sent.get("jql").asText()).isEqualTo(
                "project = \"PAY\" AND labels in (\"pm-action-1\", \"odd\\\"label\", \"back\\\\slash\") ORDER BY created ASC");
        assertThat(sent.get("fields")).extracting(JsonNode::asText)
                .contains("labels", "status", "summary", "assignee", "duedate");
        assertThat(sent.get("maxResults").asInt()).isEqualTo(100);
        assertThat(sent.has("nextPageToken")).isFalse();
    }

    @Test
    void labelSearchFollowsTheNextPageTokenAndListsEachLabelsIssuesOldestFirst() {
        jira.stubFor(authenticated(post(urlEqualTo(SEARCH))).atPriority(5)
                .willReturn(okJson(fixture("search-labels-page1.json"))));
        jira.stubFor(authenticated(post(urlEqualTo(SEARCH))).atPriority(1)
                .withRequestBody(matchingJsonPath("$.nextPageToken", equalTo("CAEaAggD")))
                .willReturn(okJson(fixture("search-labels-page2.json"))));
        List<String> labels = List.of("pm-action-pagerduty-q3b15-1", "pm-action-pagerduty-q3b15-2",
                "pm-action-pagerduty-q3b15-3");

        List<FoundIssue> found = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            LabelSearchPage page = requests.parseLabelSearch(http.send(requests.searchByLabels(null, labels, token)).body());
            found.addAll(page.issues());
            token = page.nextPageToken();
            pages++;
        } while (token != null);

        assertThat(pages).isEqualTo(2);
        Map<String, List<String>> keys = JiraActionRequests.keysByLabel(labels, found);
        assertThat(keys).containsOnlyKeys("pm-action-pagerduty-q3b15-1", "pm-action-pagerduty-q3b15-2");
        assertThat(keys.get("pm-action-pagerduty-q3b15-1")).containsExactly("PAY-131");
        // PAY-130 08:15:30Z, PAY-140 09:15:30Z (10:15:30+0100), PAY-141 09:15:31Z (label written in upper case)
        assertThat(keys.get("pm-action-pagerduty-q3b15-2")).containsExactly("PAY-130", "PAY-140", "PAY-141");
        FoundIssue first = found.get(0);
        assertThat(first).isEqualTo(new FoundIssue("PAY-140", List.of("postmortem-action", "pm-action-pagerduty-q3b15-2"),
                "To Do", "new", "Add a retry budget to the checkout client", "5b10a2844c20165700ede21g", "2026-04-01",
                "2026-03-03T10:15:30.000+0100"));
        assertThat(found.get(1).assigneeAccountId()).isNull();
    }

    // ---------------------------------------------------------------- issue read

    @Test
    void readIssueAsksForTheFieldsThePushNeeds() {
        jira.stubFor(authenticated(get(urlPathEqualTo("/rest/api/3/issue/PM-12")))
                .withQueryParam("fields", equalTo("summary,description,labels,status,updated,project"))
                .willReturn(okJson(fixture("issue-pm-12.json"))));

        JiraActionRequests.IssueRead issue = requests.parseIssue(http.send(requests.readIssue("PM-12")).body());

        assertThat(issue.key()).isEqualTo("PM-12");
        assertThat(issue.projectKey()).isEqualTo("PM");
        assertThat(issue.summary()).isEqualTo("Post-mortem: checkout-api 5xx after deploy");
        assertThat(issue.labels()).containsExactly("postmortem", "actions-agreed");
        assertThat(issue.status()).isEqualTo("In Review");
        assertThat(issue.statusCategory()).isEqualTo("indeterminate");
        assertThat(issue.updated()).isEqualTo("2026-03-03T09:14:02.118+0000");
        assertThat(issue.description().path("type").asText()).isEqualTo("doc");
    }

    @Test
    void readIssueRefusesWhatIsNotAnIssueKey() {
        assertThatThrownBy(() -> requests.readIssue("PM-12/../../admin")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> requests.readIssue("pm-12")).isInstanceOf(IllegalArgumentException.class);
    }

    private static JsonNode readBody(VendorCall call) {
        try {
            return JSON.readTree(call.body());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
