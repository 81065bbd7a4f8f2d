package io.postmortembridge;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static io.postmortembridge.testsupport.FacilitatorEdit.date;
import static io.postmortembridge.testsupport.FacilitatorEdit.mention;
import static io.postmortembridge.testsupport.FacilitatorEdit.row;
import static io.postmortembridge.testsupport.FacilitatorEdit.text;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.postmortembridge.incident.Source;
import io.postmortembridge.incidentlog.ActionLog;
import io.postmortembridge.incidentlog.Database;
import io.postmortembridge.incidentlog.LoggedAction;
import io.postmortembridge.incidentlog.LoggedPostmortem;
import io.postmortembridge.incidentlog.Outbox;
import io.postmortembridge.incidentlog.PostmortemStatus;
import io.postmortembridge.testsupport.AdfSchema;
import io.postmortembridge.testsupport.ExampleIncident;
import io.postmortembridge.testsupport.FacilitatorEdit;
import io.postmortembridge.testsupport.JiraActionsStandIn;
import io.postmortembridge.testsupport.JiraTeams;
import io.postmortembridge.testsupport.Refdata;
import io.postmortembridge.testsupport.RunningBridge;
import io.postmortembridge.testsupport.Signed;
import io.postmortembridge.testsupport.VendorApi;

/**
 * The action push on the real routes: the bundled example incident is drafted into post-mortem issue
 * PM-1, a facilitator fills its Actions table and adds the label actions-agreed, and Jira's webhook
 * (a recorded body) or the poll brings the service to read it. Jira is a stand-in that checks every
 * request against the platform and agile specs, and keeps the issues its bulk creates made.
 */
class AgreedActionsToSprintTest {

    private static final String PAGERDUTY_SECRET = "pd-secret-actions";
    private static final String JIRA_SECRET = "jira-webhook-secret-1";
    private static final String EMAIL = "postmortems@example.com";
    private static final String TOKEN = "jira-token-actions";
    private static final String API_TOKEN = "api-token-0b9e";
    private static final String ISSUE = "/rest/api/3/issue/PM-1";
    private static final String BULK = "/rest/api/3/issue/bulk";
    private static final String COMMENT = ISSUE + "/comment";
    private static final String MOVE = "/rest/agile/1.0/sprint/37/issue";
    private static final String ANN = "5b10ac8d82e05b22cc7d4ef5";
    private static final String BOB = "5b10a2844c20165700ede21g";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final JiraActionsStandIn issues = new JiraActionsStandIn();
    @RegisterExtension
    static VendorApi jira = VendorApi.jira().with(issues);

    private final List<String> labels = new ArrayList<>(List.of("postmortem", "actions-agreed"));
    private RunningBridge bridge;
    private Map<String, String> properties;
    private long updated = 1_765_000_000_000L;

    @BeforeEach
    void jiraWithAPayTeam() {
        issues.clear();
        jira.server().resetMappings();
        JiraTeams.everyProjectExistsWithoutABoard(jira, EMAIL, TOKEN);
        jira.stubFor(authenticated(get(urlPathEqualTo("/rest/agile/1.0/board/31")))
                .willReturn(okJson(JiraTeams.resource("jira/actions/board-31-kanban.json"))));
        jira.stubFor(authenticated(post(urlEqualTo("/rest/api/3/search/jql")))
                .withRequestBody(matchingJsonPath("$.jql", containing("labels in (")))
                .willReturn(aResponse().withTransformers(JiraActionsStandIn.NAME)));
        jira.stubFor(authenticated(post(urlEqualTo("/rest/api/3/search/jql")))
                .withRequestBody(matchingJsonPath("$.jql", containing("labels = \"postmortem-bridge-pagerduty")))
                .willReturn(okJson("{\"issues\":[],\"isLast\":true}")));
        jira.stubFor(authenticated(post(urlEqualTo("/rest/api/3/issue"))).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"id\":\"10001\",\"key\":\"PM-1\",\"self\":\"http://jira/rest/api/3/issue/10001\"}")));
        jira.stubFor(authenticated(post(urlEqualTo(BULK))).willReturn(aResponse().withTransformers(JiraActionsStandIn.NAME)));
        jira.stubFor(authenticated(get(urlPathEqualTo("/rest/agile/1.0/board"))).withQueryParam("projectKeyOrId", equalTo("PAY"))
                .willReturn(okJson(JiraTeams.resource("jira/actions/boards-pay-one-scrum.json"))));
        jira.stubFor(authenticated(get(urlPathEqualTo("/rest/agile/1.0/board/12/sprint")))
                .willReturn(okJson(JiraTeams.resource("jira/actions/sprints-active.json"))));
        jira.stubFor(authenticated(post(urlPathMatching("/rest/agile/1.0/sprint/[0-9]+/issue")))
                .willReturn(aResponse().withStatus(204)));
        jira.stubFor(authenticated(get(urlPathEqualTo("/rest/api/3/user/search"))).withQueryParam("query", equalTo("Bob Stone"))
                .willReturn(okJson("[{\"accountId\":\"" + BOB + "\",\"accountType\":\"atlassian\",\"displayName\":"
                        + "\"Bob Stone\",\"active\":true}]")));
        jira.stubFor(authenticated(get(urlPathEqualTo("/rest/api/3/user/search"))).withQueryParam("query", equalTo("Jon Smiht"))
                .willReturn(okJson("[]")));
        jira.stubFor(authenticated(post(urlEqualTo(COMMENT))).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody("{\"id\":\"10500\"}")));
        jira.stubFor(authenticated(get(urlPathEqualTo(ISSUE))).willReturn(aResponse()
                .withTransformers("response-template")));

        properties = RunningBridge.defaults(RunningBridge.workDir("agreed-actions"));
        properties.put("pagerduty.webhook-secret", PAGERDUTY_SECRET);
        properties.put("jira.base-url", jira.baseUrl());
        properties.put("jira.email", EMAIL);
        properties.put("jira.api-token", TOKEN);
        properties.put("jira.webhook-secret", JIRA_SECRET);
        properties.put("api.token", API_TOKEN);
        properties.put("actions.teams-file", "src/test/resources/actions/teams.yaml");
        properties.put("actions.poll-schedule", "");
    }

    @AfterEach
    void stopBridge() {
        if (bridge != null) {
            bridge.close();
        }
    }

    @Test
    void agreedActionsBecomeIssuesInTheOwningTeamsActiveSprint() throws Exception {
        startWithPostmortemIssue();
        agreeTo(row("Add an alert when checkout-api p99 latency exceeds 2 s for 5 minutes", mention(ANN, "Ann Lee"),
                date(inDays(14))),
                row("Reject malformed postal codes in the address form", text("Bob Stone"), text(inDays(21).toString())));

        assertThat(jiraWebhook().statusCode()).isEqualTo(202);

        await().atMost(Duration.ofSeconds(20)).until(() -> commentsOnPostmortem().size() == 1);
        assertThat(issues.issues()).extracting(JiraActionsStandIn.Issue::key).containsExactly("PAY-1", "PAY-2");
        JsonNode alert = issues.issues().get(0).fields();
        assertThat(alert.get("summary").asText()).isEqualTo("Add an alert when checkout-api p99 latency exceeds 2 s for 5 minutes");
        assertThat(alert.at("/assignee/accountId").asText()).isEqualTo(ANN);
        assertThat(alert.get("duedate").asText()).isEqualTo(inDays(14).toString());
        assertThat(alert.at("/priority/name").asText()).as("the incident's P2, by actions.priority-map").isEqualTo("High");
        assertThat(alert.get("labels")).extracting(JsonNode::asText).contains("postmortem-action")
                .anyMatch(l -> l.startsWith("postmortem-bridge-action-pagerduty-"));
        AdfSchema.assertValid(alert.get("description"));
        assertThat(alert.get("description").toString()).contains("PM-1", "Connection pool exhausted");
        assertThat(issues.issues().get(0).update().at("/issuelinks/0/add/outwardIssue/key").asText()).isEqualTo("PM-1");
        assertThat(issues.issues().get(1).fields().at("/assignee/accountId").asText()).as("found by display name")
                .isEqualTo(BOB);

        List<LoggedRequest> moves = requests(MOVE);
        assertThat(moves).as("one move for the sprint, whatever the number of actions").hasSize(1);
        assertThat(JSON.readTree(moves.get(0).getBodyAsString()).get("issues")).extracting(JsonNode::asText)
                .containsExactly("PAY-1", "PAY-2");
        String comment = commentsOnPostmortem().get(0).getBodyAsString();
        AdfSchema.assertValid(JSON.readTree(comment).get("body"));
        assertThat(comment).contains("PAY-1", "PAY-2", "PAY Sprint 14", "Bob Stone");

        List<LoggedAction> actions = actions();
        assertThat(actions).extracting(LoggedAction::jiraKey).containsExactly("PAY-1", "PAY-2");
        assertThat(actions).extracting(LoggedAction::sprintName).containsOnly("PAY Sprint 14");
        assertThat(actions).allMatch(LoggedAction::inSprint);
        assertThat(actions).extracting(LoggedAction::team).containsOnly("payments");
    }

    @Test
    void refusedRowsAreNamedInTheCommentAndTheOthersArePushed() throws Exception {
        startWithPostmortemIssue();
        agreeTo(row("Add an alert when checkout-api p99 latency exceeds 2 s for 5 minutes", mention(ANN, "Ann Lee"),
                        date(inDays(14))),
                row("Investigate monitoring for this scenario", text("TBD"), text("next sprint")),
                row("Rate-limit the /login endpoint to 10 requests per second per IP", text("Jon Smiht"),
                        text(inDays(7).toString())));

        jiraWebhook();

        await().atMost(Duration.ofSeconds(20)).until(() -> commentsOnPostmortem().size() == 1);
        assertThat(issues.issues()).extracting(JiraActionsStandIn.Issue::key).containsExactly("PAY-1");
        String comment = commentsOnPostmortem().get(0).getBodyAsString();
        assertThat(comment).contains("Row 2", "Row 3", "Jon Smiht");
        assertThat(actions()).extracting(LoggedAction::status)
                .containsExactly(LoggedAction.CREATED, LoggedAction.REFUSED, LoggedAction.REFUSED);
        assertThat(actions().get(1).refusal()).isNotBlank();
    }

    @Test
    void redeliveredWebhookAndARepeatedReadPushNothingTwice() throws Exception {
        startWithPostmortemIssue();
        agreeTo(row("Add an alert when checkout-api p99 latency exceeds 2 s for 5 minutes", mention(ANN, "Ann Lee"),
                date(inDays(14))));
        byte[] delivery = jiraWebhookBody();

        assertThat(postJiraWebhook(delivery).statusCode()).isEqualTo(202);
        assertThat(postJiraWebhook(delivery).statusCode()).as("the same delivery again").isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> commentsOnPostmortem().size() == 1);

        // the issue changed again (a comment, a field nobody here reads): read again, nothing new
        updated += 60_000;
        assertThat(jiraWebhook().statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> requests(ISSUE).size() == 2 && pushesPending() == 0);
        assertThat(issues.issues()).hasSize(1);
        assertThat(commentsOnPostmortem()).as("nothing changed: no second comment").hasSize(1);
        assertThat(requests(BULK)).hasSize(1);
    }

    @Test
    void aFixedRowIsPushedWhenTheIssueIsSavedAgain() throws Exception {
        startWithPostmortemIssue();
        ObjectNode good = row("Add an alert when checkout-api p99 latency exceeds 2 s for 5 minutes",
                mention(ANN, "Ann Lee"), date(inDays(14)));
        agreeTo(good, row("Reject malformed postal codes in the address form", text("Bob Stone"), text("ASAP")));
        jiraWebhook();
        await().atMost(Duration.ofSeconds(20)).until(() -> commentsOnPostmortem().size() == 1);
        assertThat(issues.issues()).hasSize(1);

        agreeTo(good, row("Reject malformed postal codes in the address form", text("Bob Stone"),
                text(inDays(10).toString())));
        updated += 60_000;
        jiraWebhook();

        await().atMost(Duration.ofSeconds(20)).until(() -> commentsOnPostmortem().size() == 2);
        assertThat(issues.issues()).extracting(JiraActionsStandIn.Issue::key).containsExactly("PAY-1", "PAY-2");
        assertThat(actions()).extracting(LoggedAction::status).containsOnly(LoggedAction.CREATED);
        assertThat(commentsOnPostmortem().get(1).getBodyAsString()).contains("PAY-1", "PAY-2")
                .doesNotContain("Not pushed");
    }

    @Test
    void createWhoseAnswerWasLostIsAdoptedNotMadeTwice() throws Exception {
        properties.put("camel.component.http.response-timeout", "1000");
        properties.put("jira.search-settle", "PT2S");
        startWithPostmortemIssue();
        jira.stubFor(authenticated(post(urlEqualTo(BULK))).atPriority(1).inScenario("lost")
                .whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                .willReturn(aResponse().withTransformers(JiraActionsStandIn.NAME).withFixedDelay(1500))
                .willSetStateTo("answered"));
        agreeTo(row("Add an alert when checkout-api p99 latency exceeds 2 s for 5 minutes", mention(ANN, "Ann Lee"),
                date(inDays(14))));

        jiraWebhook();

        await().atMost(Duration.ofSeconds(30)).until(() -> commentsOnPostmortem().size() == 1);
        assertThat(issues.issues()).as("the lost create made PAY-1; it was found, not made again")
                .extracting(JiraActionsStandIn.Issue::key).containsExactly("PAY-1");
        assertThat(actions()).extracting(LoggedAction::jiraKey).containsExactly("PAY-1");
        assertThat(requests(BULK)).hasSize(1);
    }

    @Test
    void rateLimitedCreateWaitsWhatJiraAskedAndThenMakesOneIssue() throws Exception {
        startWithPostmortemIssue();
        jira.stubFor(authenticated(post(urlEqualTo(BULK))).atPriority(1).inScenario("limited")
                .whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "2")
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"errorMessages\":[\"Rate limit exceeded.\"]}"))
                .willSetStateTo("open"));
        agreeTo(row("Add an alert when checkout-api p99 latency exceeds 2 s for 5 minutes", mention(ANN, "Ann Lee"),
                date(inDays(14))));

        jiraWebhook();

        await().atMost(Duration.ofSeconds(20)).until(() -> commentsOnPostmortem().size() == 1);
        List<LoggedRequest> bulks = requests(BULK);
        assertThat(bulks).hasSize(2);
        assertThat(Duration.between(bulks.get(0).getLoggedDate().toInstant(), bulks.get(1).getLoggedDate().toInstant()))
                .as("not sooner than Retry-After").isGreaterThanOrEqualTo(Duration.ofMillis(1900));
        assertThat(issues.issues()).extracting(JiraActionsStandIn.Issue::key).containsExactly("PAY-1");
        assertThat(requests("/rest/api/3/search/jql").stream().filter(r -> r.getBodyAsString().contains("labels in (")))
                .as("a refused create made nothing: no wait for the search to settle, one search per attempt")
                .hasSize(2);
    }

    @Test
    void restartWhileACreateIsUnansweredNeverMakesASecondIssue() throws Exception {
        properties.put("camel.component.http.response-timeout", "3000");
        properties.put("jira.search-settle", "PT2S");
        properties.put("outbox.lease", "PT3S");
        startWithPostmortemIssue();
        jira.stubFor(authenticated(post(urlEqualTo(BULK))).atPriority(1).inScenario("crash")
                .whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                .willReturn(aResponse().withTransformers(JiraActionsStandIn.NAME).withFixedDelay(2500))
                .willSetStateTo("answered"));
        agreeTo(row("Add an alert when checkout-api p99 latency exceeds 2 s for 5 minutes", mention(ANN, "Ann Lee"),
                date(inDays(14))));
        jiraWebhook();
        // the service goes down while Jira is still making the issue
        await().atMost(Duration.ofSeconds(20)).until(() -> requests(BULK).size() == 1);
        bridge.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> issues.issues().size() == 1);

        bridge = RunningBridge.start(properties);

        await().atMost(Duration.ofSeconds(30)).until(() -> commentsOnPostmortem().size() == 1);
        assertThat(issues.issues()).extracting(JiraActionsStandIn.Issue::key).containsExactly("PAY-1");
        assertThat(actions()).extracting(LoggedAction::jiraKey).containsExactly("PAY-1");
        assertThat(requests(BULK)).as("found by its label after the restart, not created again").hasSize(1);
    }

    @Test
    void actionOfATeamWithAKanbanBoardGoesToTheBacklogAndTheCommentSaysSo() throws Exception {
        startWithPostmortemIssue();
        agreeTo(row("Remove the ability to run DELETE without a WHERE clause in the admin console",
                mention(ANN, "Ann Lee"), date(inDays(14)), "platform"));

        jiraWebhook();

        await().atMost(Duration.ofSeconds(20)).until(() -> commentsOnPostmortem().size() == 1);
        assertThat(issues.issues()).extracting(JiraActionsStandIn.Issue::key).containsExactly("PLAT-1");
        assertThat(requests(MOVE)).isEmpty();
        assertThat(commentsOnPostmortem().get(0).getBodyAsString()).contains("backlog", "kanban");
        assertThat(actions().get(0).sprintName()).startsWith("backlog");
    }

    @Test
    void oneElementJiraRefusesIsRecordedWithWhatToChangeAndTheRestAreCreated() throws Exception {
        startWithPostmortemIssue();
        issues.refuse(fields -> BOB.equals(fields.at("/assignee/accountId").asText())
                ? "assignee: User 'Bob Stone' cannot be assigned issues." : null);
        String special = "Alert when \"checkout-api\" p99 > 2 s (AND 5xx ~ 1%) for 5 min: *not* [~accountid:x] \\ {code}";
        agreeTo(row(special, mention(ANN, "Ann Lee"), date(inDays(14))),
                row("Reject malformed postal codes in the address form", text("Bob Stone"), text(inDays(21).toString())));

        jiraWebhook();

        await().atMost(Duration.ofSeconds(20)).until(() -> commentsOnPostmortem().size() == 1);
        assertThat(issues.issues()).extracting(JiraActionsStandIn.Issue::key).containsExactly("PAY-1");
        assertThat(issues.issues().get(0).fields().get("summary").asText()).as("markup and JQL characters kept as text")
                .isEqualTo(special);
        LoggedAction refused = actions().get(1);
        assertThat(refused.status()).isEqualTo(LoggedAction.REFUSED);
        assertThat(refused.refusal()).contains("cannot be assigned", "permission to be assigned issues in project PAY");
        assertThat(commentsOnPostmortem().get(0).getBodyAsString()).contains("cannot be assigned");
        assertThat(requests(BULK)).as("a refused element is not retried as a whole").hasSize(1);
    }

    @Test
    void forgedOrUnsignedJiraWebhookIsRefusedAndNothingIsStored() throws Exception {
        startWithPostmortemIssue();
        agreeTo(row("Add an alert when checkout-api p99 latency exceeds 2 s for 5 minutes", mention(ANN, "Ann Lee"),
                date(inDays(14))));
        byte[] body = jiraWebhookBody();

        HttpResponse<String> forged = bridge.post("/webhooks/jira", body, "Content-Type", "application/json",
                "X-Hub-Signature", "sha256=" + "0".repeat(64));
        HttpResponse<String> unsigned = bridge.post("/webhooks/jira", body, "Content-Type", "application/json");

        assertThat(forged.statusCode()).isEqualTo(401);
        assertThat(unsigned.statusCode()).isEqualTo(401);
        assertThat(forged.body()).contains("X-Hub-Signature");
        assertThat(pushesStored()).isZero();
    }

    @Test
    void malformedMistypedAndOversizedJiraWebhooksAreRefusedAndNothingIsStored() throws Exception {
        startWithPostmortemIssue();
        byte[] trailing = "{\"webhookEvent\":\"jira:issue_updated\"} {}".getBytes(StandardCharsets.UTF_8);
        byte[] noKey = "{\"webhookEvent\":\"jira:issue_updated\",\"issue\":{\"fields\":{}}}".getBytes(StandardCharsets.UTF_8);
        byte[] oversized = new byte[1024 * 1024 + 1];
        java.util.Arrays.fill(oversized, (byte) ' ');

        HttpResponse<String> malformed = postJiraWebhook(trailing);
        HttpResponse<String> keyless = postJiraWebhook(noKey);
        HttpResponse<String> form = bridge.post("/webhooks/jira", jiraWebhookBody(), "Content-Type",
                "application/x-www-form-urlencoded", "X-Hub-Signature", "sha256=" + hmac(JIRA_SECRET, jiraWebhookBody()));
        HttpResponse<String> tooBig = postJiraWebhook(oversized);

        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(malformed.body()).get("error").asText()).contains("not one JSON document");
        assertThat(keyless.statusCode()).isEqualTo(400);
        assertThat(keyless.body()).contains("issue.key");
        assertThat(form.statusCode()).isEqualTo(415);
        assertThat(tooBig.statusCode()).isEqualTo(413);
        assertThat(pushesStored()).isZero();
    }

    @Test
    void webhookOfAnIssueWithoutTheAgreedLabelIsIgnored() throws Exception {
        startWithPostmortemIssue();
        labels.remove("actions-agreed");

        HttpResponse<String> answer = jiraWebhook();

        assertThat(answer.statusCode()).isEqualTo(202);
        assertThat(answer.body()).contains("ignored", "actions-agreed");
        assertThat(pushesStored()).isZero();
    }

    @Test
    void pollFindsAnAgreedPostmortemTheWebhookNeverBrought() throws Exception {
        properties.put("actions.poll-schedule", "* * * * * ?");
        java.util.function.Supplier<MappingBuilder> poll = () -> authenticated(post(urlEqualTo("/rest/api/3/search/jql")))
                .withRequestBody(matchingJsonPath("$.jql", containing("labels = \"actions-agreed\"")));
        jira.stubFor(poll.get().willReturn(okJson("{\"issues\":[],\"isLast\":true}")));
        startWithPostmortemIssue();
        agreeTo(row("Add an alert when checkout-api p99 latency exceeds 2 s for 5 minutes", mention(ANN, "Ann Lee"),
                date(inDays(14))));
        // the facilitator's edit, which Jira's webhook never brought
        jira.stubFor(poll.get().willReturn(okJson("{\"issues\":[{\"id\":\"10001\",\"key\":\"PM-1\",\"fields\":{"
                + "\"updated\":\"2026-12-01T10:00:00.000+0000\",\"labels\":[\"actions-agreed\"]}}],\"isLast\":true}")));

        await().atMost(Duration.ofSeconds(20)).until(() -> commentsOnPostmortem().size() == 1);
        assertThat(issues.issues()).extracting(JiraActionsStandIn.Issue::key).containsExactly("PAY-1");
        await().atMost(Duration.ofSeconds(5)).until(() -> requests("/rest/api/3/search/jql").stream()
                .filter(r -> r.getBodyAsString().contains("updated >=")).count() >= 3);
        assertThat(requests(ISSUE)).as("every later poll sees the same update: read once").hasSize(1);
        java.util.Optional<String> checkpoint = bridge.database().withHandle(h -> h.createQuery(
                "SELECT reached FROM checkpoint WHERE name = 'jira-actions'").mapTo(String.class).findOne());
        assertThat(checkpoint).as("where the poll got to survives a restart").isPresent();
    }

    @Test
    void webhookAndPollThatSawTheSameUpdatePushOnce() throws Exception {
        properties.put("actions.poll-schedule", "* * * * * ?");
        jira.stubFor(authenticated(post(urlEqualTo("/rest/api/3/search/jql")))
                .withRequestBody(matchingJsonPath("$.jql", containing("labels = \"actions-agreed\"")))
                .willReturn(okJson("{\"issues\":[],\"isLast\":true}")));
        startWithPostmortemIssue();
        agreeTo(row("Add an alert when checkout-api p99 latency exceeds 2 s for 5 minutes", mention(ANN, "Ann Lee"),
                date(inDays(14))));
        String sameUpdate = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ")
                .withZone(ZoneOffset.UTC).format(java.time.Instant.ofEpochMilli(updated));
        jira.stubFor(authenticated(post(urlEqualTo("/rest/api/3/search/jql")))
                .withRequestBody(matchingJsonPath("$.jql", containing("labels = \"actions-agreed\"")))
                .willReturn(okJson("{\"issues\":[{\"id\":\"10001\",\"key\":\"PM-1\",\"fields\":{\"updated\":\""
                        + sameUpdate + "\",\"labels\":[\"actions-agreed\"]}}],\"isLast\":true}")));

        jiraWebhook();

        await().atMost(Duration.ofSeconds(20)).until(() -> commentsOnPostmortem().size() == 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> requests("/rest/api/3/search/jql").stream()
                .filter(r -> r.getBodyAsString().contains("updated >=")).count() >= 3);
        assertThat(pushesStored()).as("one push request for one update, whoever saw it").isEqualTo(1);
        assertThat(requests(ISSUE)).hasSize(1);
        assertThat(issues.issues()).hasSize(1);
    }

    @Test
    void apiChecksActionsWithoutPushing() throws Exception {
        startWithPostmortemIssue();
        String body = "{\"rootCause\": \"The engineer failed to check the config.\", \"actions\": ["
                + "{\"action\": \"Investigate monitoring for this scenario\", \"owner\": \"TBD\", \"due\": \"next sprint\"},"
                + "{\"action\": \"Add an alert when checkout-api returns more than 1% 5xx for 5 minutes\", "
                + "\"owner\": \"Bob Stone\", \"due\": \"" + inDays(30) + "\"}]}";

        HttpResponse<String> answer = api("/api/postmortems/check", body);

        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode findings = JSON.readTree(answer.body());
        assertThat(findings.get("ok").asBoolean()).isFalse();
        assertThat(findings.get("findings")).extracting(f -> f.get("rule").asText())
                .contains("action-vague", "owner-not-a-person", "due-invalid", "blame");
        assertThat(findings.get("findings")).filteredOn(f -> f.get("rule").asText().equals("blame"))
                .allMatch(f -> f.get("row").isNull() && f.get("field").asText().equals("rootCause"));
        assertThat(findings.get("findings")).noneMatch(f -> f.get("row").asInt() == 2);
        assertThat(issues.issues()).isEmpty();
        assertThat(pushesStored()).isZero();
    }

    @Test
    void apiPushesValidActionsAndRefusesInvalidOnesWith422() throws Exception {
        startWithPostmortemIssue();
        String incident = "/api/incidents/pagerduty-" + ExampleIncident.ID + "/actions";
        String invalid = "{\"actions\": [{\"action\": \"Fix the issue that caused the outage\", \"owner\": \"we\", "
                + "\"due\": \"" + inDays(3) + "\"}]}";
        String valid = "{\"rootCause\": \"Connection pool too small for the retry storm.\", \"actions\": ["
                + "{\"action\": \"Reject malformed postal codes in the address form\", \"owner\": \"Bob Stone\", "
                + "\"due\": \"" + inDays(30) + "\"}]}";

        assertThat(api(incident, invalid).statusCode()).isEqualTo(422);
        assertThat(pushesStored()).isZero();
        HttpResponse<String> accepted = api(incident, valid);
        assertThat(accepted.statusCode()).isEqualTo(202);

        await().atMost(Duration.ofSeconds(20)).until(() -> issues.issues().size() == 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> JSON.readTree(listActions(incident).body())
                .at("/actions/0/jiraKey").asText().equals("PAY-1"));
        JsonNode listed = JSON.readTree(listActions(incident).body()).at("/actions/0");
        assertThat(listed.get("owner").asText()).isEqualTo("Bob Stone");
        assertThat(listed.get("sprint").asText()).isEqualTo("PAY Sprint 14");
        assertThat(listed.get("status").asText()).isEqualTo("created");
    }

    @Test
    void apiRefusesAnOversizedBodyAndTheSameActionsSentTwiceMakeOneIssue() throws Exception {
        startWithPostmortemIssue();
        String incident = "/api/incidents/pagerduty-" + ExampleIncident.ID + "/actions";
        String valid = "{\"actions\": [{\"action\": \"Reject malformed postal codes in the address form\", "
                + "\"owner\": \"Bob Stone\", \"due\": \"" + inDays(30) + "\"}]}";

        assertThat(api(incident, "{\"actions\": [], \"pad\": \"" + "x".repeat(1024 * 1024) + "\"}").statusCode())
                .isEqualTo(413);
        assertThat(api(incident, valid).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> issues.issues().size() == 1 && pushesPending() == 0);
        assertThat(api(incident, valid).statusCode()).as("sent again, as a client retrying would").isEqualTo(202);

        await().atMost(Duration.ofSeconds(20)).until(() -> pushesStored() == 2 && pushesPending() == 0);
        assertThat(issues.issues()).as("the action is in Jira once").hasSize(1);
        assertThat(requests(BULK)).hasSize(1);
    }

    @Test
    void apiAnswersUnknownIncidentMalformedBodyAndMissingTokenClearly() throws Exception {
        startWithPostmortemIssue();

        assertThat(api("/api/incidents/pagerduty-NOPE/actions", "{\"actions\": []}").statusCode()).isEqualTo(404);
        HttpResponse<String> malformed = api("/api/postmortems/check", "{\"actions\": {}}");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.body()).contains("actions");
        assertThat(api("/api/postmortems/check", "{\"actions\": [] } trailing").statusCode()).isEqualTo(400);
        HttpResponse<String> anonymous = bridge.post("/api/postmortems/check", "{\"actions\": []}".getBytes(
                StandardCharsets.UTF_8), "Content-Type", "application/json");
        assertThat(anonymous.statusCode()).isEqualTo(401);
        HttpResponse<String> wrong = bridge.post("/api/postmortems/check", "{\"actions\": []}".getBytes(
                StandardCharsets.UTF_8), "Content-Type", "application/json", "Authorization", "Bearer nope");
        assertThat(wrong.statusCode()).isEqualTo(401);
    }

    @Test
    void teamsFileNamingAProjectJiraDoesNotHaveStopsTheStart() throws IOException {
        Path teams = Files.createTempFile(Path.of("target"), "teams", ".yaml");
        Files.writeString(teams, "defaultTeam: payments\nteams:\n  - name: payments\n    project: NOPE\n");
        jira.stubFor(authenticated(get(urlPathEqualTo("/rest/api/3/project/NOPE"))).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"errorMessages\":[\"No project could be found with key 'NOPE'.\"],\"errors\":{}}")));
        properties.put("actions.teams-file", teams.toString());

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> bridge = RunningBridge.start(properties))
                .hasStackTraceContaining("team payments: project NOPE does not exist");
    }

    // ------------------------------------------------------------------------------------------- helpers

    private void startWithPostmortemIssue() {
        bridge = RunningBridge.start(properties);
        for (ExampleIncident.Delivery delivery : ExampleIncident.deliveries()) {
            HttpResponse<String> answer = bridge.post("/webhooks/pagerduty", delivery.body(),
                    "Content-Type", "application/json",
                    "X-PagerDuty-Signature", Signed.pagerDuty(PAGERDUTY_SECRET, delivery.body()),
                    "X-Webhook-Id", delivery.name());
            assertThat(answer.statusCode()).isEqualTo(202);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> postmortem().map(p -> p.status() == PostmortemStatus.PUBLISHED)
                .orElse(false));
        assertThat(postmortem().orElseThrow().jiraKey()).isEqualTo("PM-1");
    }

    /** The facilitator's edit: the draft as it was created, its Actions table filled, root cause written. */
    private void agreeTo(ObjectNode... rows) throws IOException {
        JsonNode created = JSON.readTree(requests("/rest/api/3/issue").get(0).getBodyAsString()).at("/fields/description");
        ObjectNode doc = FacilitatorEdit.filled(created, "Connection pool exhausted by retries without backoff.", rows);
        AdfSchema.assertValid(doc);
        jira.stubFor(authenticated(get(urlPathEqualTo(ISSUE))).willReturn(okJson(FacilitatorEdit.issue("PM-1", doc,
                labels))));
    }

    private static LocalDate inDays(int days) {
        return LocalDate.now(ZoneOffset.UTC).plusDays(days);
    }

    /** The recorded Jira Cloud labels webhook, made about PM-1 as it is now. */
    private byte[] jiraWebhookBody() throws IOException {
        ObjectNode body = (ObjectNode) JSON.readTree(Refdata.read(
                "webhook-samples/jira/mattermost-plugin-jira/webhook-issue-updated-labels.json"));
        ObjectNode issue = (ObjectNode) body.get("issue");
        issue.put("key", "PM-1");
        ObjectNode fields = (ObjectNode) issue.get("fields");
        ((ObjectNode) fields.get("project")).put("key", "PM");
        ArrayNode labelList = fields.putArray("labels");
        labels.forEach(labelList::add);
        fields.put("updated", java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ")
                .withZone(ZoneOffset.UTC).format(java.time.Instant.ofEpochMilli(updated)));
        return JSON.writeValueAsBytes(body);
    }

    private HttpResponse<String> jiraWebhook() throws IOException {
        return postJiraWebhook(jiraWebhookBody());
    }

    private HttpResponse<String> postJiraWebhook(byte[] body) {
        return bridge.post("/webhooks/jira", body, "Content-Type", "application/json",
                "X-Hub-Signature", "sha256=" + hmac(JIRA_SECRET, body),
                "X-Atlassian-Webhook-Identifier", Long.toString(updated));
    }

    private HttpResponse<String> api(String path, String body) {
        return bridge.post(path, body.getBytes(StandardCharsets.UTF_8), "Content-Type", "application/json",
                "Authorization", "Bearer " + API_TOKEN);
    }

    private HttpResponse<String> listActions(String path) {
        return bridge.get(path, "Authorization", "Bearer " + API_TOKEN);
    }

    private static String hmac(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return java.util.HexFormat.of().formatHex(mac.doFinal(body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private java.util.Optional<LoggedPostmortem> postmortem() {
        return bridge.incidentLog().incident(Source.PAGERDUTY, ExampleIncident.ID)
                .flatMap(incident -> bridge.incidentLog().postmortemOfIncident(incident.id()));
    }

    private List<LoggedAction> actions() {
        long incident = bridge.incidentLog().incident(Source.PAGERDUTY, ExampleIncident.ID).orElseThrow().id();
        try (Database database = Database.connect(properties.get("database.url"), "sa", "", Duration.ofSeconds(2))) {
            return new ActionLog(database, bridge.outbox(), java.time.Clock.systemUTC()).actions(incident);
        }
    }

    private long pushesStored() {
        return bridge.outboxRows(ActionLog.POSTMORTEM_ACTIONS).size();
    }

    private long pushesPending() {
        return bridge.outboxRows(ActionLog.POSTMORTEM_ACTIONS).stream().filter(r -> !r.status().equals("done")).count();
    }

    private List<LoggedRequest> commentsOnPostmortem() {
        return requests(COMMENT);
    }

    private static List<LoggedRequest> requests(String url) {
        return jira.server().findAll(com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(
                urlPathEqualTo(url)));
    }

    private static MappingBuilder authenticated(MappingBuilder stub) {
        return stub.withBasicAuth(EMAIL, TOKEN);
    }
}
