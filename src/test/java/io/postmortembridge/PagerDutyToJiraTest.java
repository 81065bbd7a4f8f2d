package io.postmortembridge;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.postmortembridge.incident.Source;
import io.postmortembridge.incidentlog.IncidentLog;
import io.postmortembridge.incidentlog.LoggedIncident;
import io.postmortembridge.incidentlog.LoggedPostmortem;
import io.postmortembridge.incidentlog.PostmortemStatus;
import io.postmortembridge.testsupport.AdfSchema;
import io.postmortembridge.testsupport.CapturedLogs;
import io.postmortembridge.testsupport.OutboxRows;
import io.postmortembridge.testsupport.Refdata;
import io.postmortembridge.testsupport.JiraTeams;
import io.postmortembridge.testsupport.RunningBridge;
import io.postmortembridge.testsupport.Signed;
import io.postmortembridge.testsupport.VendorApi;

/**
 * The whole flow, on the real routes: a recorded PagerDuty resolution comes in signed, the incident
 * is completed from PagerDuty's REST API, the review rule in routes/postmortem-draft.yaml decides,
 * and the draft becomes one Jira issue, whatever Jira and PagerDuty do in between. Both vendors are
 * stand-ins that check every request against their published OpenAPI specs.
 */
class PagerDutyToJiraTest {

    private static final String SECRET = "webhook-secret-7f3a";
    private static final String JIRA_EMAIL = "postmortems@example.com";
    private static final String JIRA_TOKEN = "jira-token-c41d9e";
    private static final String PAGERDUTY_TOKEN = "pd-token-88b2";
    private static final String INCIDENT = "PCPZE64";
    private static final String LABEL = "postmortem-bridge-pagerduty-" + INCIDENT;
    private static final String SEARCH = "/rest/api/3/search/jql";
    private static final String CREATE = "/rest/api/3/issue";
    private static final String NO_ISSUES = "{\"issues\":[],\"isLast\":true}";
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static VendorApi jira = VendorApi.jira();
    @RegisterExtension
    static VendorApi pagerDuty = VendorApi.pagerDuty();

    private RunningBridge bridge;
    private Path workDir;
    private Map<String, String> properties;

    @BeforeEach
    void stubVendors() {
        jira.server().resetMappings();
        JiraTeams.everyProjectExistsWithoutABoard(jira, JIRA_EMAIL, JIRA_TOKEN);
        pagerDuty.server().resetMappings();
        stubPagerDutyRest();
        jira.stubFor(jiraCall(post(urlEqualTo(SEARCH))).willReturn(okJson(NO_ISSUES)));
        jira.stubFor(jiraCall(post(urlEqualTo(CREATE))).willReturn(created("PM-1")));
        workDir = RunningBridge.workDir("pagerduty-to-jira");
        properties = RunningBridge.defaults(workDir);
        properties.put("pagerduty.webhook-secret", SECRET);
        properties.put("pagerduty.api-token", PAGERDUTY_TOKEN);
        properties.put("pagerduty.api-url", pagerDuty.baseUrl());
        properties.put("jira.base-url", jira.baseUrl());
        properties.put("jira.webhook-secret", "jira-webhook-secret");
        properties.put("jira.email", JIRA_EMAIL);
        properties.put("jira.api-token", JIRA_TOKEN);
        properties.put("jira.postmortem-project", "OPS");
    }

    @AfterEach
    void stopBridge() {
        if (bridge != null) {
            bridge.close();
        }
    }

    @Test
    void resolvedIncidentBecomesOnePostmortemIssue() throws Exception {
        bridge = RunningBridge.start(properties);

        assertThat(deliver("resolved_v3.json", "delivery-1").statusCode()).isEqualTo(202);

        LoggedPostmortem postmortem = awaitPostmortem(PostmortemStatus.PUBLISHED);
        assertThat(postmortem.jiraKey()).isEqualTo("PM-1");
        assertThat(postmortem.location()).isEqualTo(jira.baseUrl() + "/browse/PM-1");
        LoggedIncident incident = incident();
        assertThat(incident.review()).isEqualTo("needed");
        assertThat(incident.reviewReason()).isEqualTo("priority P2");

        List<LoggedRequest> creates = jiraRequests(CREATE);
        assertThat(creates).hasSize(1);
        JsonNode fields = JSON.readTree(creates.get(0).getBodyAsString()).get("fields");
        assertThat(fields.at("/project/key").asText()).isEqualTo("OPS");
        assertThat(fields.at("/issuetype/name").asText()).isEqualTo("Task");
        assertThat(fields.get("summary").asText()).isEqualTo("Post-mortem: The server is on fire.");
        assertThat(fields.at("/priority/name").asText()).as("P2 mapped by jira.priority-map").isEqualTo("High");
        assertThat(fields.get("labels")).extracting(JsonNode::asText).containsExactly("postmortem", LABEL);
        JsonNode description = fields.get("description");
        AdfSchema.assertValid(description);
        String text = description.toString();
        assertThat(text).contains("Firefighters are on the scene.", "Initial alert information indicates a 1-alarm fire",
                "Tasks::SFDCValidator - PD_Data__c - duplicates", "on-call responder 1", "Root cause", "Actions",
                "What else is fragile in the same way?");
        assertThat(text).as("responders are named by role").doesNotContain("Earline Greenholt");

        String search = jiraRequests(SEARCH).get(0).getBodyAsString();
        assertThat(JSON.readTree(search).get("jql").asText())
                .isEqualTo("project = \"OPS\" AND labels = \"" + LABEL + "\" ORDER BY created ASC");
        String metrics = bridge.management("/observe/metrics").body();
        assertThat(metric(metrics, "postmortem_bridge_vendor_calls_seconds_count{outcome=\"success\",vendor=\"jira\"}"))
                .as("each call to a vendor is timed, by outcome: the search and the create at least")
                .isGreaterThanOrEqualTo(2);
        assertThat(metric(metrics,
                "postmortem_bridge_vendor_calls_seconds_count{outcome=\"success\",vendor=\"pagerduty\"}")).isEqualTo(5);
        assertThat(metrics).contains("postmortem_bridge_vendor_calls_seconds_bucket{outcome=\"success\",vendor=\"jira\",le=",
                "postmortem_bridge_postmortems_published_total{to=\"jira\"} 1.0");
        assertThat(pagerDuty.requests()).extracting(LoggedRequest::getUrl).contains(
                "/incidents/PCPZE64", "/incidents/PCPZE64/log_entries?limit=100&offset=0",
                "/incidents/PCPZE64/log_entries?limit=100&offset=1", "/incidents/PCPZE64/notes",
                "/incidents/PCPZE64/related_change_events?limit=100");
    }

    @Test
    void hostileLongNonLatinTitleReachesJiraAsPlainText() throws Exception {
        String hostile = "{code}<script>alert(1)</script>[~accountid:5b10ac8d82e05b22cc7d4ef5] *bold* \"q\" \\ "
                + "|table|\nsecond line 事故 🚨 مرحبا " + "x".repeat(400);
        ObjectNode root = (ObjectNode) JSON.readTree(Refdata.bytes(recording("resolved_v3.json")));
        ObjectNode data = (ObjectNode) root.at("/event/data");
        data.put("title", hostile);
        // the priority object as PagerDuty sends it (from the escalation recording), so the review rule matches
        data.set("priority", JSON.readTree(Refdata.bytes(recording("escalate_v3.json"))).at("/event/data/priority"));
        properties.remove("pagerduty.api-token");
        bridge = RunningBridge.start(properties);

        assertThat(deliver(JSON.writeValueAsBytes(root), "delivery-hostile").statusCode()).isEqualTo(202);

        awaitPostmortem(PostmortemStatus.PUBLISHED);
        JsonNode fields = JSON.readTree(jiraRequests(CREATE).get(0).getBodyAsString()).get("fields");
        String summary = fields.get("summary").asText();
        assertThat(summary).hasSize(255).endsWith("…").doesNotContain("\n")
                .startsWith("Post-mortem: {code}<script>alert(1)</script>[~accountid:5b10ac8d82e05b22cc7d4ef5] *bold* "
                        + "\"q\" \\ |table| second line 事故 🚨 مرحبا xxx");
        assertThat(fields.at("/priority/name").asText()).isEqualTo("Highest");
        AdfSchema.assertValid(fields.get("description"));
        assertThat(pagerDuty.requests()).as("no API token, no REST calls").isEmpty();
    }

    @Test
    void redeliveriesAndASecondResolutionCreateNoSecondIssue() throws Exception {
        bridge = RunningBridge.start(properties);

        assertThat(deliver("resolved_v3.json", "delivery-1").statusCode()).isEqualTo(202);
        assertThat(deliver("resolved_v3.json", "delivery-1").statusCode()).isEqualTo(200);
        awaitPostmortem(PostmortemStatus.PUBLISHED);
        // reopened and resolved again: a new delivery, a new event
        assertThat(deliver(withEventId(Refdata.bytes(recording("resolved_v3.json")), "01BZYH1JJY09P9LEIST8HG2XXX"),
                "delivery-2").statusCode()).isEqualTo(202);

        await().atMost(Duration.ofSeconds(10)).until(() -> bridge.outboxRows(IncidentLog.POSTMORTEM_DRAFT)
                .stream().allMatch(task -> task.status().equals("done")) && outboxEntries().size() == 2);
        assertThat(jiraRequests(CREATE)).hasSize(1);
        assertThat(bridge.outboxRows(IncidentLog.POSTMORTEM_PUBLISH)).hasSize(1);
    }

    @Test
    void jiraOutageDelaysTheIssueButLosesNothing() {
        jira.server().resetMappings();
        JiraTeams.everyProjectExistsWithoutABoard(jira, JIRA_EMAIL, JIRA_TOKEN);
        jira.stubFor(jiraCall(post(urlEqualTo(SEARCH))).inScenario("outage").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("still down"));
        jira.stubFor(jiraCall(post(urlEqualTo(SEARCH))).inScenario("outage").whenScenarioStateIs("still down")
                .willReturn(aResponse().withStatus(502)).willSetStateTo("back"));
        jira.stubFor(jiraCall(post(urlEqualTo(SEARCH))).inScenario("outage").whenScenarioStateIs("back")
                .willReturn(okJson(NO_ISSUES)));
        jira.stubFor(jiraCall(post(urlEqualTo(CREATE))).willReturn(created("PM-2")));
        bridge = RunningBridge.start(properties);

        deliver("resolved_v3.json", "delivery-1");

        assertThat(awaitPostmortem(PostmortemStatus.PUBLISHED).jiraKey()).isEqualTo("PM-2");
        assertThat(jiraRequests(SEARCH)).hasSize(3);
        assertThat(jiraRequests(CREATE)).hasSize(1);
        assertThat(bridge.outboxRows(IncidentLog.POSTMORTEM_PUBLISH).get(0).attempts()).isEqualTo(3);
    }

    @Test
    void rateLimitedJiraIsAskedAgainNoSoonerThanRetryAfter() {
        jira.server().resetMappings();
        JiraTeams.everyProjectExistsWithoutABoard(jira, JIRA_EMAIL, JIRA_TOKEN);
        jira.stubFor(jiraCall(post(urlEqualTo(SEARCH))).inScenario("limited").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "2")).willSetStateTo("ok"));
        jira.stubFor(jiraCall(post(urlEqualTo(SEARCH))).inScenario("limited").whenScenarioStateIs("ok")
                .willReturn(okJson(NO_ISSUES)));
        jira.stubFor(jiraCall(post(urlEqualTo(CREATE))).willReturn(created("PM-3")));
        bridge = RunningBridge.start(properties);

        deliver("resolved_v3.json", "delivery-1");

        awaitPostmortem(PostmortemStatus.PUBLISHED);
        List<LoggedRequest> searches = jiraRequests(SEARCH);
        assertThat(searches).hasSize(2);
        long waited = searches.get(1).getLoggedDate().getTime() - searches.get(0).getLoggedDate().getTime();
        assertThat(waited).as("ms between the 429 and the next try (the backoff alone is 200 ms)")
                .isGreaterThanOrEqualTo(2000);
    }

    @Test
    void issueCreatedWhoseAnswerWasLostIsAdoptedNotDuplicated() {
        jira.server().resetMappings();
        JiraTeams.everyProjectExistsWithoutABoard(jira, JIRA_EMAIL, JIRA_TOKEN);
        jira.stubFor(jiraCall(post(urlEqualTo(SEARCH))).inScenario("lost answer").whenScenarioStateIs(STARTED)
                .willReturn(okJson(NO_ISSUES)));
        // Jira creates the issue, but its answer comes after the client gave up waiting
        jira.stubFor(jiraCall(post(urlEqualTo(CREATE))).inScenario("lost answer").whenScenarioStateIs(STARTED)
                .willReturn(created("PM-7").withFixedDelay(5000)).willSetStateTo("created"));
        jira.stubFor(jiraCall(post(urlEqualTo(SEARCH))).inScenario("lost answer").whenScenarioStateIs("created")
                .willReturn(okJson("{\"issues\":[{\"id\":\"10007\",\"key\":\"PM-7\",\"fields\":{\"summary\":"
                        + "\"Post-mortem: The server is on fire.\"}}],\"isLast\":true}")));
        properties.put("camel.component.http.response-timeout", "1000");
        properties.put("jira.search-settle", "PT1S");
        bridge = RunningBridge.start(properties);

        deliver("resolved_v3.json", "delivery-1");

        assertThat(awaitPostmortem(PostmortemStatus.PUBLISHED).jiraKey()).isEqualTo("PM-7");
        assertThat(jiraRequests(CREATE)).hasSize(1);
        assertThat(jiraRequests(SEARCH)).hasSize(2);
    }

    @Test
    void jiraTimingOutLogsOneWarningLinePerAttemptAndNoStackTrace() {
        jira.server().resetMappings();
        JiraTeams.everyProjectExistsWithoutABoard(jira, JIRA_EMAIL, JIRA_TOKEN);
        jira.stubFor(jiraCall(post(urlEqualTo(SEARCH))).inScenario("slow").whenScenarioStateIs(STARTED)
                .willReturn(okJson(NO_ISSUES).withFixedDelay(3000)).willSetStateTo("fast"));
        jira.stubFor(jiraCall(post(urlEqualTo(SEARCH))).inScenario("slow").whenScenarioStateIs("fast")
                .willReturn(okJson(NO_ISSUES)));
        jira.stubFor(jiraCall(post(urlEqualTo(CREATE))).willReturn(created("PM-5")));
        properties.put("camel.component.http.response-timeout", "1000");
        try (CapturedLogs logs = CapturedLogs.capture()) {
            bridge = RunningBridge.start(properties);

            deliver("resolved_v3.json", "delivery-1");

            assertThat(awaitPostmortem(PostmortemStatus.PUBLISHED).jiraKey()).isEqualTo("PM-5");
            List<String> failures = logs.text().lines().filter(line -> line.contains("postmortem-publish #1")).toList();
            assertThat(failures).singleElement().asString()
                    .startsWith("WARN io.postmortembridge.incidentlog.Outbox - postmortem-publish #1 attempt 1 failed, "
                            + "next try in 200 ms: Jira could not be reached (POST /rest/api/3/search/jql): "
                            + "SocketTimeoutException: Read timed out");
            assertThat(logs.text()).doesNotContain("ERROR ", "\tat ", "Exception:\n");
        }
    }

    @Test
    void issueJiraRefusesIsKeptWithWhatToFixAndNotRetriedForever() throws Exception {
        jira.stubFor(jiraCall(post(urlEqualTo(CREATE))).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"errorMessages\":[],\"errors\":{\"priority\":\"Specify a valid 'id' or 'name' for "
                        + "Priority\"}}")));
        try (CapturedLogs logs = CapturedLogs.capture()) {
            bridge = RunningBridge.start(properties);

            deliver("resolved_v3.json", "delivery-1");

            LoggedPostmortem rejected = awaitPostmortem(PostmortemStatus.REJECTED);
            assertThat(rejected.lastError()).contains("HTTP 400", "priority: Specify a valid 'id' or 'name' for Priority",
                    "To fix: jira.priority-map must name priorities that exist in Jira");
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
                    .until(() -> jiraRequests(CREATE).size() == 1);
            assertThat(bridge.outboxRows(IncidentLog.POSTMORTEM_PUBLISH).get(0).status()).isEqualTo("failed");
            assertThat(logs.text()).contains("jira.priority-map must name priorities that exist in Jira");
        }
    }

    @Test
    void restartAfterTheFixRetriesTheRefusedIssueOnce() throws Exception {
        jira.stubFor(jiraCall(post(urlEqualTo(CREATE))).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"errorMessages\":[\"Field 'customfield_10010' is required\"],\"errors\":{}}")));
        bridge = RunningBridge.start(properties);
        deliver("resolved_v3.json", "delivery-1");
        awaitPostmortem(PostmortemStatus.REJECTED);
        bridge.close();

        jira.stubFor(jiraCall(post(urlEqualTo(CREATE))).willReturn(created("PM-9")));
        Path fields = Files.writeString(workDir.resolve("postmortem-fields.json"),
                "{\"customfield_10010\": {\"value\": \"Platform\"}}");
        properties.put("jira.postmortem-extra-fields-file", fields.toString());
        bridge = RunningBridge.start(properties);

        assertThat(awaitPostmortem(PostmortemStatus.PUBLISHED).jiraKey()).isEqualTo("PM-9");
        assertThat(jiraRequests(CREATE)).hasSize(2);
        assertThat(jiraRequests(CREATE).get(1).getBodyAsString()).contains("\"customfield_10010\":{\"value\":\"Platform\"}");
    }

    @Test
    void restartWhileJiraIsDownNeitherLosesNorDuplicatesTheIssue() {
        jira.server().resetMappings();
        JiraTeams.everyProjectExistsWithoutABoard(jira, JIRA_EMAIL, JIRA_TOKEN);
        jira.stubFor(jiraCall(post(urlEqualTo(SEARCH))).willReturn(aResponse().withStatus(503)));
        bridge = RunningBridge.start(properties);
        deliver("resolved_v3.json", "delivery-1");
        await().atMost(Duration.ofSeconds(10)).until(() -> jiraRequests(SEARCH).size() >= 2);
        bridge.close();

        jira.server().resetMappings();

        JiraTeams.everyProjectExistsWithoutABoard(jira, JIRA_EMAIL, JIRA_TOKEN);
        jira.stubFor(jiraCall(post(urlEqualTo(SEARCH))).willReturn(okJson(NO_ISSUES)));
        jira.stubFor(jiraCall(post(urlEqualTo(CREATE))).willReturn(created("PM-4")));
        bridge = RunningBridge.start(properties);
        // PagerDuty redelivers what it may think was lost while we restarted
        deliver("resolved_v3.json", "delivery-1");

        assertThat(awaitPostmortem(PostmortemStatus.PUBLISHED).jiraKey()).isEqualTo("PM-4");
        assertThat(jiraRequests(CREATE)).hasSize(1);
    }

    @Test
    void pagerDutyRateLimitDelaysTheDraftButDoesNotLoseIt() {
        pagerDuty.server().resetMappings();
        stubPagerDutyRest();
        pagerDuty.stubFor(pagerDutyCall(get(urlEqualTo("/incidents/" + INCIDENT))).inScenario("limited")
                .whenScenarioStateIs(STARTED).atPriority(1)
                .willReturn(aResponse().withStatus(429).withHeader("ratelimit-reset", "1")
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":{\"message\":\"Rate Limit Exceeded\",\"code\":2020}}"))
                .willSetStateTo("ok"));
        bridge = RunningBridge.start(properties);

        deliver("resolved_v3.json", "delivery-1");

        assertThat(awaitPostmortem(PostmortemStatus.PUBLISHED).jiraKey()).isEqualTo("PM-1");
        List<LoggedRequest> incidentReads = pagerDuty.requests().stream()
                .filter(r -> r.getUrl().equals("/incidents/" + INCIDENT))
                .sorted(Comparator.comparing(LoggedRequest::getLoggedDate)).toList();
        assertThat(incidentReads).hasSize(2);
        assertThat(incidentReads.get(1).getLoggedDate().getTime() - incidentReads.get(0).getLoggedDate().getTime())
                .isGreaterThanOrEqualTo(1000);
    }

    @Test
    void refusedPagerDutyTokenFallsBackToTheWebhookEventsAndSaysWhy() {
        pagerDuty.server().resetMappings();
        pagerDuty.stubFor(pagerDutyCall(get(urlEqualTo("/incidents/" + INCIDENT))).willReturn(aResponse()
                .withStatus(401).withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"message\":\"Unauthorized\",\"code\":2006}}")));
        try (CapturedLogs logs = CapturedLogs.capture()) {
            bridge = RunningBridge.start(properties);

            deliver("resolved_v3.json", "delivery-1");

            await().atMost(Duration.ofSeconds(10)).until(() -> incident().review() != null);
            // the recorded webhook alone: no priority, open time unknown, never escalated
            assertThat(incident().review()).isEqualTo("not-needed");
            assertThat(incident().reviewReason()).isEqualTo("no review rule matched: priority none, urgency high, "
                    + "open time unknown, never escalated");
            assertThat(logs.text()).contains("PAGERDUTY_API_TOKEN was refused");
            assertThat(jiraRequests(CREATE)).isEmpty();
        }
    }

    @Test
    void noSecretEverReachesTheLogs() throws Exception {
        jira.stubFor(jiraCall(post(urlEqualTo(CREATE))).inScenario("refused once").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(401)).willSetStateTo("ok"));
        try (CapturedLogs logs = CapturedLogs.capture()) {
            bridge = RunningBridge.start(properties);
            deliver("resolved_v3.json", "delivery-1");
            bridge.post("/webhooks/pagerduty", Refdata.bytes(recording("triggered_v3.json")),
                    "Content-Type", "application/json", "X-PagerDuty-Signature", "v1=" + "ab".repeat(32));
            awaitPostmortem(PostmortemStatus.REJECTED);
            bridge.close();
            bridge = null;

            String basic = Base64.getEncoder().encodeToString((JIRA_EMAIL + ":" + JIRA_TOKEN)
                    .getBytes(StandardCharsets.UTF_8));
            assertThat(logs.text()).contains("Jira refused", "check JIRA_EMAIL and JIRA_API_TOKEN")
                    .doesNotContain(SECRET, JIRA_TOKEN, PAGERDUTY_TOKEN, basic);
        }
    }

    /** The value of one series in Prometheus' text format. */
    private static double metric(String metrics, String series) {
        return metrics.lines().filter(line -> line.startsWith(series + " ")).findFirst()
                .map(line -> Double.parseDouble(line.substring(series.length() + 1).strip()))
                .orElseThrow(() -> new AssertionError("no series " + series));
    }

    private HttpResponse<String> deliver(String recording, String deliveryId) {
        return deliver(Refdata.bytes(recording(recording)), deliveryId);
    }

    private HttpResponse<String> deliver(byte[] body, String deliveryId) {
        return bridge.post("/webhooks/pagerduty", body, "Content-Type", "application/json",
                "X-PagerDuty-Signature", Signed.pagerDuty(SECRET, body), "X-Webhook-Id", deliveryId);
    }

    private static String recording(String name) {
        return "webhook-samples/pagerduty-v3/zulip/" + name;
    }

    /** The same recording with another event id, as PagerDuty sends for a second resolution. */
    private static byte[] withEventId(byte[] recorded, String eventId) throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(recorded);
        ((ObjectNode) root.get("event")).put("id", eventId);
        return JSON.writeValueAsBytes(root);
    }

    private LoggedIncident incident() {
        return bridge.incidentLog().incident(Source.PAGERDUTY, INCIDENT).orElseThrow();
    }

    private LoggedPostmortem awaitPostmortem(PostmortemStatus status) {
        await().atMost(Duration.ofSeconds(15)).until(() -> bridge.incidentLog().incident(Source.PAGERDUTY, INCIDENT)
                .flatMap(i -> bridge.incidentLog().postmortemOfIncident(i.id()))
                .filter(p -> p.status() == status).isPresent());
        return bridge.incidentLog().postmortemOfIncident(incident().id()).orElseThrow();
    }

    private List<OutboxRows.Row> outboxEntries() {
        return bridge.outboxRows(IncidentLog.POSTMORTEM_DRAFT);
    }

    /** Oldest first. */
    private static List<LoggedRequest> jiraRequests(String path) {
        return jira.server().findAll(postRequestedFor(urlEqualTo(path))).stream()
                .sorted(Comparator.comparing(LoggedRequest::getLoggedDate)).toList();
    }

    private static MappingBuilder jiraCall(MappingBuilder mapping) {
        return mapping.withBasicAuth(JIRA_EMAIL, JIRA_TOKEN);
    }

    private static MappingBuilder pagerDutyCall(MappingBuilder mapping) {
        return mapping.withHeader("Authorization", equalTo("Token token=" + PAGERDUTY_TOKEN));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder created(String key) {
        return aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                .withBody("{\"id\":\"10000\",\"key\":\"" + key + "\",\"self\":\"" + jira.baseUrl()
                        + "/rest/api/3/issue/10000\"}");
    }

    /**
     * PagerDuty's REST API as its published examples show it. The log entries come in two pages: the
     * first (listLogEntries) answers {@code limit: 1, more: true}, so the second starts at offset 1.
     */
    private static void stubPagerDutyRest() {
        String examples = "pagerduty/rest-examples/";
        pagerDuty.stubFor(pagerDutyCall(get(urlEqualTo("/incidents/" + INCIDENT)))
                .willReturn(okJson(Refdata.read(examples + "getIncident.response.json"))));
        pagerDuty.stubFor(pagerDutyCall(get(urlPathEqualTo("/incidents/" + INCIDENT + "/log_entries"))
                .withQueryParam("offset", equalTo("0")))
                .willReturn(okJson(Refdata.read(examples + "listLogEntries.response.json"))));
        pagerDuty.stubFor(pagerDutyCall(get(urlPathEqualTo("/incidents/" + INCIDENT + "/log_entries"))
                .withQueryParam("offset", equalTo("1")))
                .willReturn(okJson(Refdata.read(examples + "listIncidentLogEntries.response.json"))));
        pagerDuty.stubFor(pagerDutyCall(get(urlEqualTo("/incidents/" + INCIDENT + "/notes")))
                .willReturn(okJson(Refdata.read(examples + "listIncidentNotes.response.json"))));
        pagerDuty.stubFor(pagerDutyCall(get(urlPathEqualTo("/incidents/" + INCIDENT + "/related_change_events")))
                .willReturn(okJson(Refdata.read(examples + "listIncidentRelatedChangeEvents.response.json"))));
    }
}
