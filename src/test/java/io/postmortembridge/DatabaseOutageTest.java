package io.postmortembridge;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.camel.health.HealthCheckRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.postmortembridge.incident.Source;
import io.postmortembridge.incidentlog.LoggedPostmortem;
import io.postmortembridge.incidentlog.PostmortemStatus;
import io.postmortembridge.testsupport.CapturedLogs;
import io.postmortembridge.testsupport.ExampleIncident;
import io.postmortembridge.testsupport.LaggingJiraSearch;
import io.postmortembridge.testsupport.PrivatePostgres;
import io.postmortembridge.testsupport.JiraTeams;
import io.postmortembridge.testsupport.RunningBridge;
import io.postmortembridge.testsupport.Signed;
import io.postmortembridge.testsupport.VendorApi;

/**
 * The incident log's database going away and coming back, on a PostgreSQL of the test's own: the
 * service says so quickly and plainly, webhooks are refused in a way that makes the sender retry,
 * and nothing answered 2xx is lost.
 */
class DatabaseOutageTest {

    private static final String INCIDENT = ExampleIncident.ID;
    private static final String SECRET = "outage-secret";

    private static final LaggingJiraSearch issues = new LaggingJiraSearch();
    @RegisterExtension
    static VendorApi jira = VendorApi.jira().with(issues);

    private static PrivatePostgres postgres;

    private RunningBridge bridge;
    private Map<String, String> properties;

    @BeforeAll
    static void startPostgres() {
        postgres = PrivatePostgres.start();
    }

    @AfterAll
    static void closePostgres() {
        postgres.close();
    }

    @BeforeEach
    void freshSchema() throws SQLException {
        postgres.startAgain();
        String schema = "outage_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl()); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        properties = RunningBridge.defaults(RunningBridge.workDir("database-outage"));
        properties.put("database.url", postgres.jdbcUrl() + "&currentSchema=" + schema);
        properties.put("database.user", "postgres");
        jira.server().resetMappings();
        JiraTeams.everyProjectExistsWithoutABoard(jira, "postmortems@example.com", "jira-token");
        issues.clear();
    }

    @AfterEach
    void stopBridge() {
        if (bridge != null) {
            bridge.close();
        }
    }

    @Test
    void webhooksAreRefusedWith503WithinTheConnectionTimeoutAndNothingAnswered2xxIsLost() {
        bridge = RunningBridge.start(properties);
        List<byte[]> incident = exampleIncident();
        for (int i = 0; i < 3; i++) {
            assertThat(deliver(incident.get(i), "delivery-" + i).statusCode()).isEqualTo(202);
        }

        postgres.stop();
        for (int i = 3; i < incident.size(); i++) {
            Instant sent = Instant.now();
            HttpResponse<String> refused = deliver(incident.get(i), "delivery-" + i);
            assertThat(Duration.between(sent, Instant.now())).as("answered before PagerDuty's 5 s run out")
                    .isLessThan(Duration.ofMillis(2500));
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.body()).isEqualTo("{\"error\":\"the incident log cannot store this delivery now; "
                    + "send it again later\"}");
        }

        postgres.startAgain();
        // PagerDuty sends what was refused again
        await().atMost(Duration.ofSeconds(20)).until(() -> deliver(incident.get(3), "delivery-3").statusCode() == 202);
        for (int i = 4; i < incident.size(); i++) {
            assertThat(deliver(incident.get(i), "delivery-" + i).statusCode()).isEqualTo(202);
        }

        LoggedPostmortem drafted = awaitPostmortem(PostmortemStatus.DRY_RUN);
        assertThat(drafted.descriptionMarkdown()).contains("Priority set to P2", "Running KILL on long-running queries");
        long id = bridge.incidentLog().incident(Source.PAGERDUTY, INCIDENT).orElseThrow().id();
        assertThat(bridge.incidentLog().events(id)).hasSize(incident.size());
    }

    @Test
    void readinessSaysWhyWithinASecondAndLivenessNeverAsksTheDatabase() {
        bridge = RunningBridge.start(properties);

        postgres.stop();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Instant asked = Instant.now();
            HttpResponse<String> ready = bridge.management("/observe/health/ready");
            assertThat(Duration.between(asked, Instant.now())).isLessThan(Duration.ofMillis(1200));
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("DOWN");
        });
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(readinessMessage())
                .startsWith("the incident log database is unreachable: Connection to 127.0.0.1:" + postgres.port()
                        + " refused"));
        for (int i = 0; i < 3; i++) {
            Instant asked = Instant.now();
            assertThat(bridge.management("/observe/health/live").statusCode()).isEqualTo(200);
            assertThat(Duration.between(asked, Instant.now())).isLessThan(Duration.ofMillis(500));
        }

        postgres.startAgain();
        bridge.awaitReady();
    }

    @Test
    void serviceStartsWithoutItsDatabaseAndIsReadyOnceItCanMigrate() {
        postgres.stop();
        try (CapturedLogs logs = CapturedLogs.capture()) {
            bridge = RunningBridge.startUnready(properties);

            assertThat(bridge.management("/observe/health/live").statusCode()).isEqualTo(200);
            assertThat(bridge.management("/observe/health/ready").statusCode()).isEqualTo(503);
            assertThat(readinessMessage()).startsWith("the incident log database is not ready: Connection to "
                    + "127.0.0.1:" + postgres.port() + " refused");
            Instant sent = Instant.now();
            assertThat(deliver(exampleIncident().get(0), "early").statusCode()).isEqualTo(503);
            assertThat(Duration.between(sent, Instant.now())).as("no wait for a database known to be away")
                    .isLessThan(Duration.ofMillis(500));
            assertThat(logs.text()).contains("The incident log database cannot be used yet (Connection to 127.0.0.1:"
                    + postgres.port() + " refused");

            postgres.startAgain();
            bridge.awaitReady();

            assertThat(logs.text()).contains("The incident log database is connected and up to date: ready");
        }
        List<byte[]> incident = exampleIncident();
        for (int i = 0; i < incident.size(); i++) {
            assertThat(deliver(incident.get(i), "delivery-" + i).statusCode()).isEqualTo(202);
        }
        awaitPostmortem(PostmortemStatus.DRY_RUN);
    }

    @Test
    void taskRunningWhenTheDatabaseWentAwayRunsAgainAsSoonAsItIsBackNotAfterItsLease() {
        properties.put("pagerduty.webhook-secret", SECRET);
        properties.put("jira.base-url", jira.baseUrl());
        properties.put("jira.webhook-secret", "jira-webhook-secret");
        properties.put("jira.email", "postmortems@example.com");
        properties.put("jira.api-token", "jira-token");
        properties.put("outbox.lease", "PT5M");
        // the first search takes a while: long enough to take the database away while it runs
        jira.stubFor(post(urlEqualTo("/rest/api/3/search/jql")).inScenario("slow").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withTransformers(LaggingJiraSearch.NAME).withFixedDelay(1500))
                .willSetStateTo("fast"));
        jira.stubFor(post(urlEqualTo("/rest/api/3/search/jql")).inScenario("slow").whenScenarioStateIs("fast")
                .willReturn(aResponse().withTransformers(LaggingJiraSearch.NAME)));
        jira.stubFor(post(urlEqualTo("/rest/api/3/issue")).willReturn(aResponse().withTransformers(LaggingJiraSearch.NAME)));
        bridge = RunningBridge.start(properties);

        try (CapturedLogs logs = CapturedLogs.capture()) {
            List<byte[]> incident = exampleIncident();
            for (int i = 0; i < incident.size(); i++) {
                assertThat(deliver(incident.get(i), "delivery-" + i).statusCode()).isEqualTo(202);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> searches().size() == 1);
            postgres.stop();
            // the search comes back, but the database is not there to record that a create is about to be sent
            await().atMost(Duration.ofSeconds(10)).until(() -> logs.text().contains("could not record it"));
            assertThat(issues.issues()).as("nothing is created that could not be recorded as on its way").isEmpty();
            assertThat(logs.text()).contains("postmortem-publish #1 attempt 1 ended (failed: Connection to 127.0.0.1:"
                    + postgres.port() + " refused", "recorded once it is back")
                    .doesNotContain("postmortem-publish #1 attempt 1 failed, next try in");

            Instant back = Instant.now();
            postgres.startAgain();

            LoggedPostmortem published = awaitPostmortem(PostmortemStatus.PUBLISHED);
            assertThat(published.jiraKey()).isEqualTo("PM-1");
            Instant retried = searches().get(1).getLoggedDate().toInstant();
            assertThat(Duration.between(back, retried)).as("retried soon after the database came back, not after "
                    + "its 5-minute lease").isLessThan(Duration.ofSeconds(10));
            assertThat(issues.issues()).extracting(LaggingJiraSearch.Issue::key).containsExactly("PM-1");
        }
    }

    private String readinessMessage() {
        return HealthCheckRegistry.get(bridge.camel()).getCheck("incident-log").orElseThrow().call().getMessage()
                .orElse("");
    }

    private static List<LoggedRequest> searches() {
        return jira.server().findAll(postRequestedFor(urlEqualTo("/rest/api/3/search/jql"))).stream()
                .sorted(Comparator.comparing(LoggedRequest::getLoggedDate)).toList();
    }

    private HttpResponse<String> deliver(byte[] body, String deliveryId) {
        return bridge.post("/webhooks/pagerduty", body, "Content-Type", "application/json",
                "X-PagerDuty-Signature", Signed.pagerDuty(SECRET, body), "X-Webhook-Id", deliveryId);
    }

    private LoggedPostmortem awaitPostmortem(PostmortemStatus status) {
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> bridge.incidentLog().incident(Source.PAGERDUTY, INCIDENT)
                .flatMap(i -> bridge.incidentLog().postmortemOfIncident(i.id()))
                .filter(p -> p.status() == status).isPresent());
        return bridge.incidentLog().postmortemOfIncident(
                bridge.incidentLog().incident(Source.PAGERDUTY, INCIDENT).orElseThrow().id()).orElseThrow();
    }

    private static List<byte[]> exampleIncident() {
        return ExampleIncident.deliveries().stream().map(ExampleIncident.Delivery::body).toList();
    }
}
