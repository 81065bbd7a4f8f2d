package io.postmortembridge.jira;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.postmortembridge.incident.Source;
import io.postmortembridge.incidentlog.IncidentLog;
import io.postmortembridge.incidentlog.LoggedPostmortem;
import io.postmortembridge.incidentlog.PostmortemStatus;
import io.postmortembridge.testsupport.CapturedLogs;
import io.postmortembridge.testsupport.ExampleIncident;
import io.postmortembridge.testsupport.LaggingJiraSearch;
import io.postmortembridge.testsupport.JiraTeams;
import io.postmortembridge.testsupport.RunningBridge;
import io.postmortembridge.testsupport.Signed;
import io.postmortembridge.testsupport.VendorApi;

/**
 * Exactly one post-mortem issue per incident against a Jira whose search lags behind its creates,
 * as Jira documents: a create whose answer was lost is found by waiting for the search to catch up,
 * and a second issue that a lag longer than {@code jira.search-settle} still lets through is linked
 * to the first as a duplicate.
 */
class JiraSearchLagTest {

    private static final String SECRET = "lag-secret";
    private static final String EMAIL = "postmortems@example.com";
    private static final String TOKEN = "jira-token-lag";
    private static final String INCIDENT = ExampleIncident.ID;
    private static final String LABEL = "postmortem-bridge-pagerduty-" + INCIDENT;
    private static final String SEARCH = "/rest/api/3/search/jql";
    private static final String CREATE = "/rest/api/3/issue";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final LaggingJiraSearch issues = new LaggingJiraSearch();
    @RegisterExtension
    static VendorApi jira = VendorApi.jira().with(issues);

    private RunningBridge bridge;
    private Map<String, String> properties;

    @BeforeEach
    void jiraWithALaggingSearch() {
        issues.clear();
        jira.server().resetMappings();
        JiraTeams.everyProjectExistsWithoutABoard(jira, EMAIL, TOKEN);
        jira.stubFor(authenticated(post(urlEqualTo(SEARCH))).willReturn(aResponse().withTransformers(LaggingJiraSearch.NAME)));
        // the first create is made, but its answer comes after the service gave up waiting
        jira.stubFor(authenticated(post(urlEqualTo(CREATE))).inScenario("lost").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withTransformers(LaggingJiraSearch.NAME).withFixedDelay(1500))
                .willSetStateTo("answered"));
        jira.stubFor(authenticated(post(urlEqualTo(CREATE))).inScenario("lost").whenScenarioStateIs("answered")
                .willReturn(aResponse().withTransformers(LaggingJiraSearch.NAME)));
        jira.stubFor(authenticated(post(urlPathMatching("/rest/api/3/issue/PM-[0-9]+/comment")))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                        .withBody("{\"id\":\"10100\"}")));
        jira.stubFor(authenticated(post(urlEqualTo("/rest/api/3/issueLink"))).willReturn(aResponse().withStatus(201)));
        jira.stubFor(authenticated(get(urlPathMatching("/rest/api/3/issue/PM-[0-9]+/transitions")))
                .willReturn(okJson("{\"transitions\":[{\"id\":\"21\",\"name\":\"In Progress\"},"
                        + "{\"id\":\"31\",\"name\":\"Close\"}]}")));
        jira.stubFor(authenticated(post(urlPathMatching("/rest/api/3/issue/PM-[0-9]+/transitions")))
                .willReturn(aResponse().withStatus(204)));

        properties = RunningBridge.defaults(RunningBridge.workDir("jira-search-lag"));
        properties.put("pagerduty.webhook-secret", SECRET);
        properties.put("jira.base-url", jira.baseUrl());
        properties.put("jira.webhook-secret", "jira-webhook-secret");
        properties.put("jira.email", EMAIL);
        properties.put("jira.api-token", TOKEN);
        properties.put("camel.component.http.response-timeout", "1000");
    }

    @AfterEach
    void stopBridge() {
        if (bridge != null) {
            bridge.close();
        }
    }

    @Test
    void createWhoseAnswerWasLostIsFoundOnceTheSearchHasCaughtUpNotMadeAgain() {
        issues.lag(Duration.ofMillis(1500));
        properties.put("jira.search-settle", "PT2S");
        bridge = RunningBridge.start(properties);

        deliverExampleIncident();

        assertThat(awaitPostmortem().jiraKey()).isEqualTo("PM-1");
        awaitDuplicateCheck();
        assertThat(issues.issues()).extracting(LaggingJiraSearch.Issue::key).containsExactly("PM-1");
        List<LoggedRequest> searches = requests(SEARCH);
        Instant createSent = requests(CREATE).get(0).getLoggedDate().toInstant();
        // counted from just before the create was sent, a few ms before the stand-in logged it
        assertThat(Duration.between(createSent, searches.get(1).getLoggedDate().toInstant()))
                .as("the search after the lost create waits jira.search-settle")
                .isGreaterThanOrEqualTo(Duration.ofMillis(1900));
        assertThat(jira.server().findAll(postRequestedFor(urlEqualTo("/rest/api/3/issueLink")))).isEmpty();
    }

    @Test
    void secondIssueMadeBeforeTheSearchCaughtUpIsLinkedAsADuplicateOfTheFirst() throws Exception {
        // Jira lags longer than the service was told to wait: a second issue gets made
        issues.lag(Duration.ofMillis(1500));
        properties.put("jira.search-settle", "PT1S");
        properties.put("jira.duplicate-transition", "close");
        try (CapturedLogs logs = CapturedLogs.capture()) {
            bridge = RunningBridge.start(properties);

            deliverExampleIncident();

            awaitPostmortem();
            awaitDuplicateCheck();
            assertThat(issues.issues()).extracting(LaggingJiraSearch.Issue::key).containsExactly("PM-1", "PM-2");
            assertThat(postmortem().jiraKey()).as("the older issue is the post-mortem").isEqualTo("PM-1");
            assertThat(postmortem().location()).isEqualTo(jira.baseUrl() + "/browse/PM-1");

            JsonNode link = body(requests("/rest/api/3/issueLink").get(0));
            assertThat(link).isEqualTo(JSON.readTree("{\"type\":{\"name\":\"Duplicate\"},"
                    + "\"outwardIssue\":{\"key\":\"PM-2\"},\"inwardIssue\":{\"key\":\"PM-1\"}}"));
            String comment = body(requests("/rest/api/3/issue/PM-2/comment").get(0)).toString();
            assertThat(comment).contains("This issue duplicates PM-1", "Work on PM-1; this issue can be closed.");
            assertThat(body(requests("/rest/api/3/issue/PM-2/transitions").get(0)))
                    .isEqualTo(JSON.readTree("{\"transition\":{\"id\":\"31\"}}"));
            assertThat(jira.server().findAll(postRequestedFor(urlPathMatching("/rest/api/3/issue/PM-1/.*")))).isEmpty();
            assertThat(logs.text()).contains("Post-mortem PM-1 had a second Jira issue, PM-2",
                    "linked it as a duplicate of PM-1 and moved it with 'close'");
        }
    }

    @Test
    void transitionTheWorkflowDoesNotOfferIsReportedWithTheOnesItDoes() {
        issues.add(LABEL, Instant.now().minusSeconds(600));
        issues.add(LABEL, Instant.now().minusSeconds(300));
        properties.put("jira.search-settle", "PT0.5S");
        properties.put("jira.duplicate-transition", "Won't Do");
        try (CapturedLogs logs = CapturedLogs.capture()) {
            bridge = RunningBridge.start(properties);

            deliverExampleIncident();

            assertThat(awaitPostmortem().jiraKey()).as("the older one is adopted").isEqualTo("PM-1");
            awaitDuplicateCheck();
            assertThat(requests(CREATE)).isEmpty();
            assertThat(requests("/rest/api/3/issueLink")).hasSize(1);
            assertThat(requests("/rest/api/3/issue/PM-2/comment")).hasSize(1);
            assertThat(jira.server().findAll(getRequestedFor(urlEqualTo("/rest/api/3/issue/PM-2/transitions"))))
                    .hasSize(1);
            assertThat(requests("/rest/api/3/issue/PM-2/transitions")).isEmpty();
            assertThat(logs.text()).contains("jira.duplicate-transition 'Won't Do' is not offered for PM-2; its "
                    + "workflow offers: In Progress, Close");
        }
    }

    private void deliverExampleIncident() {
        for (ExampleIncident.Delivery delivery : ExampleIncident.deliveries()) {
            assertThat(bridge.post("/webhooks/pagerduty", delivery.body(), "Content-Type", "application/json",
                    "X-PagerDuty-Signature", Signed.pagerDuty(SECRET, delivery.body()), "X-Webhook-Id", delivery.name())
                    .statusCode()).isEqualTo(202);
        }
    }

    private LoggedPostmortem postmortem() {
        return bridge.incidentLog().postmortemOfIncident(
                bridge.incidentLog().incident(Source.PAGERDUTY, INCIDENT).orElseThrow().id()).orElseThrow();
    }

    private LoggedPostmortem awaitPostmortem() {
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> postmortem().status() == PostmortemStatus.PUBLISHED);
        return postmortem();
    }

    private void awaitDuplicateCheck() {
        await().atMost(Duration.ofSeconds(20)).until(() -> bridge.outboxRows(IncidentLog.POSTMORTEM_DUPLICATES).stream()
                .anyMatch(t -> t.status().equals("done")));
    }

    /** Oldest first. */
    private static List<LoggedRequest> requests(String path) {
        return jira.server().findAll(postRequestedFor(urlEqualTo(path))).stream()
                .sorted(Comparator.comparing(LoggedRequest::getLoggedDate)).toList();
    }

    private static JsonNode body(LoggedRequest request) {
        try {
            return JSON.readTree(request.getBodyAsString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static MappingBuilder authenticated(MappingBuilder mapping) {
        return mapping.withBasicAuth(EMAIL, TOKEN);
    }
}
