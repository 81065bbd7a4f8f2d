package io.postmortembridge.testsupport;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Self-test of the vendor mock: it passes requests the vendor's spec allows, and it can fail. */
class VendorApiTest {

    private static final String JIRA_AUTH = "Basic "
            + Base64.getEncoder().encodeToString("ops@example.com:api-token".getBytes(StandardCharsets.UTF_8));
    private static final String PD_AUTH = "Token token=y_NbAkKc66ryYTWUXYEu";
    private static final String PD_ACCEPT = "application/vnd.pagerduty+json;version=2";
    private static final String ISSUE_BODY = """
            {"fields":{"project":{"key":"PM"},"issuetype":{"name":"Task"},"summary":"Post-mortem: database failover",
             "labels":["postmortem"]}}""";

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static final VendorApi jira = VendorApi.jira();
    private static final VendorApi pagerDuty = VendorApi.pagerDuty();

    @BeforeAll
    static void startMocks() {
        jira.start();
        pagerDuty.start();
        System.out.println("[VendorApiTest] spec parse times: " + VendorApi.specParseTimes());
    }

    @AfterAll
    static void stopMocks() {
        jira.stop();
        pagerDuty.stop();
    }

    @BeforeEach
    void resetMocks() {
        jira.reset();
        pagerDuty.reset();
        jira.stubFor(any(anyUrl()).willReturn(okJson("{}")));
        pagerDuty.stubFor(any(anyUrl()).willReturn(okJson("{}")));
    }

    // ------------------------------------------------------------------ Jira

    @Test
    void issueCreateWithJsonFieldsAndBasicAuthPasses() throws Exception {
        int status = send(jira, "POST", "/rest/api/3/issue", ISSUE_BODY,
                "Content-Type", "application/json", "Accept", "application/json", "Authorization", JIRA_AUTH);

        assertThat(status).isEqualTo(200);
        assertThatCode(jira::assertEveryRequestMatchedTheSpec).doesNotThrowAnyException();
    }

    @Test
    void jqlSearchWithFieldsAndMaxResultsPasses() throws Exception {
        send(jira, "POST", "/rest/api/3/search/jql",
                "{\"jql\":\"project = PM AND labels = postmortem\",\"fields\":[\"key\"],\"maxResults\":1}",
                "Content-Type", "application/json", "Authorization", JIRA_AUTH);

        assertThatCode(jira::assertEveryRequestMatchedTheSpec).doesNotThrowAnyException();
    }

    @Test
    void agileRequestPassesAgainstTheSecondSpecOfTheSameServer() throws Exception {
        send(jira, "POST", "/rest/agile/1.0/sprint/37/issue", "{\"issues\":[\"OPS-12\",\"OPS-13\"]}",
                "Content-Type", "application/json", "Authorization", JIRA_AUTH);
        send(jira, "GET", "/rest/agile/1.0/board/7/sprint?state=active", null, "Authorization", JIRA_AUTH);

        assertThatCode(jira::assertEveryRequestMatchedTheSpec).doesNotThrowAnyException();
    }

    @Test
    void activeSprintQueryWithADocumentedStatePasses() throws Exception {
        send(jira, "GET", "/rest/agile/1.0/board/7/sprint?state=active,future&maxResults=1", null, "Authorization", JIRA_AUTH);

        assertThatCode(jira::assertEveryRequestMatchedTheSpec).doesNotThrowAnyException();
    }

    @Test
    void sprintQueryWithAStateJiraDoesNotKnowFails() throws Exception {
        send(jira, "GET", "/rest/agile/1.0/board/7/sprint?state=open", null, "Authorization", JIRA_AUTH);

        assertThatThrownBy(jira::assertEveryRequestMatchedTheSpec)
                .hasMessageContaining("GET /rest/agile/1.0/board/7/sprint?state=open")
                .hasMessageContaining("validation.request.parameter.schema.pattern");
    }

    @Test
    void pathThatIsNotInTheSpecFails() throws Exception {
        send(jira, "GET", "/rest/api/3/postmortems/PM-1", null, "Authorization", JIRA_AUTH);

        assertThatThrownBy(jira::assertEveryRequestMatchedTheSpec)
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("GET /rest/api/3/postmortems/PM-1")
                .hasMessageContaining("validation.request.path.missing");
    }

    @Test
    void methodThatTheSpecDoesNotAllowOnThePathFails() throws Exception {
        send(jira, "PATCH", "/rest/api/3/issue/PM-1", "{\"fields\":{}}",
                "Content-Type", "application/json", "Authorization", JIRA_AUTH);

        assertThatThrownBy(jira::assertEveryRequestMatchedTheSpec)
                .hasMessageContaining("validation.request.operation.notAllowed");
    }

    @Test
    void bodyViolatingTheSchemaFailsWithTheSchemaMessage() throws Exception {
        send(jira, "POST", "/rest/api/3/issue", "{\"fields\":\"summary=Post-mortem\"}",
                "Content-Type", "application/json", "Authorization", JIRA_AUTH);

        assertThatThrownBy(jira::assertEveryRequestMatchedTheSpec)
                .hasMessageContaining("POST /rest/api/3/issue")
                .hasMessageContaining("validation.request.body.schema")
                .hasMessageContaining("/fields");
    }

    @Test
    void searchWithAPropertyTheSchemaDoesNotHaveFails() throws Exception {
        send(jira, "POST", "/rest/api/3/search/jql", "{\"jql\":\"project = PM\",\"maxResult\":1}",
                "Content-Type", "application/json", "Authorization", JIRA_AUTH);

        assertThatThrownBy(jira::assertEveryRequestMatchedTheSpec)
                .hasMessageContaining("maxResult");
    }

    @Test
    void missingRequiredBodyFails() throws Exception {
        send(jira, "POST", "/rest/api/3/issue", null, "Authorization", JIRA_AUTH);

        assertThatThrownBy(jira::assertEveryRequestMatchedTheSpec)
                .hasMessageContaining("validation.request.body.missing");
    }

    @Test
    void bodyWithoutContentTypeFails() throws Exception {
        send(jira, "POST", "/rest/api/3/issue", ISSUE_BODY, "Authorization", JIRA_AUTH);

        assertThatThrownBy(jira::assertEveryRequestMatchedTheSpec)
                .hasMessageContaining("validation.request.contentType.missing");
    }

    @Test
    void queryParameterTheOperationDoesNotDeclareFails() throws Exception {
        send(jira, "GET", "/rest/api/3/issue/PM-1?fields=summary&expandd=changelog", null, "Authorization", JIRA_AUTH);

        assertThatThrownBy(jira::assertEveryRequestMatchedTheSpec)
                .hasMessageContaining("validation.request.parameter.query.unexpected")
                .hasMessageContaining("expandd");
    }

    @Test
    void jiraRequestWithoutCredentialsFailsAlthoughTheSpecAllowsAnonymous() throws Exception {
        send(jira, "POST", "/rest/api/3/issue", ISSUE_BODY, "Content-Type", "application/json");

        assertThatThrownBy(jira::assertEveryRequestMatchedTheSpec)
                .hasMessageContaining("validation.request.security.credentials")
                .hasMessageContaining("basicAuth");
    }

    @Test
    void jiraBearerTokenSatisfiesTheOAuth2Alternative() throws Exception {
        send(jira, "GET", "/rest/api/3/issue/PM-1", null, "Authorization", "Bearer abc.def");

        assertThatCode(jira::assertEveryRequestMatchedTheSpec).doesNotThrowAnyException();
    }

    // ------------------------------------------------------------------ PagerDuty

    @Test
    void pagerDutyLogEntriesWithTheRequiredHeadersPasses() throws Exception {
        send(pagerDuty, "GET", "/incidents/Q2LYL2KGNNC6FK/log_entries?is_overview=false&limit=100&offset=0&include%5B%5D=channels",
                null, "Authorization", PD_AUTH, "Accept", PD_ACCEPT, "Content-Type", "application/json");

        assertThatCode(pagerDuty::assertEveryRequestMatchedTheSpec).doesNotThrowAnyException();
    }

    @Test
    void pagerDutyRequestWithoutTheRequiredAcceptHeaderFails() throws Exception {
        send(pagerDuty, "GET", "/incidents/Q2LYL2KGNNC6FK/log_entries", null,
                "Authorization", PD_AUTH, "Content-Type", "application/json");

        assertThatThrownBy(pagerDuty::assertEveryRequestMatchedTheSpec)
                .hasMessageContaining("validation.request.parameter.header.missing")
                .hasMessageContaining("Accept");
    }

    @Test
    void pagerDutyRequestWithoutTheRequiredContentTypeHeaderFails() throws Exception {
        send(pagerDuty, "GET", "/incidents/Q2LYL2KGNNC6FK/log_entries", null,
                "Authorization", PD_AUTH, "Accept", PD_ACCEPT);

        assertThatThrownBy(pagerDuty::assertEveryRequestMatchedTheSpec)
                .hasMessageContaining("validation.request.parameter.header.missing")
                .hasMessageContaining("Content-Type");
    }

    @Test
    void pagerDutyRequestWithAnAcceptTheSpecDoesNotDeclareFails() throws Exception {
        send(pagerDuty, "GET", "/incidents/Q2LYL2KGNNC6FK/log_entries", null,
                "Authorization", PD_AUTH, "Accept", "text/html", "Content-Type", "application/json");

        assertThatThrownBy(pagerDuty::assertEveryRequestMatchedTheSpec)
                .hasMessageContaining("validation.request.accept.notAllowed");
    }

    @Test
    void pagerDutyRequestWithoutAuthorizationFails() throws Exception {
        send(pagerDuty, "GET", "/incidents/Q2LYL2KGNNC6FK/log_entries", null,
                "Accept", PD_ACCEPT, "Content-Type", "application/json");

        assertThatThrownBy(pagerDuty::assertEveryRequestMatchedTheSpec)
                .hasMessageContaining("validation.request.security.credentials")
                .hasMessageContaining("api_key");
    }

    @Test
    void pagerDutyAuthorizationNotInTheTokenFormatFails() throws Exception {
        send(pagerDuty, "GET", "/incidents/Q2LYL2KGNNC6FK/log_entries", null,
                "Authorization", "y_NbAkKc66ryYTWUXYEu", "Accept", PD_ACCEPT, "Content-Type", "application/json");

        assertThatThrownBy(pagerDuty::assertEveryRequestMatchedTheSpec)
                .hasMessageContaining("Token token=");
    }

    @Test
    void pagerDutyNoteWithTheRequiredFromHeaderAndBodyPasses() throws Exception {
        send(pagerDuty, "POST", "/incidents/Q2LYL2KGNNC6FK/notes", Refdata.read("pagerduty/rest-examples/createIncidentNote.request.json"),
                "Authorization", PD_AUTH, "Accept", PD_ACCEPT, "Content-Type", "application/json", "From", "postmortem-bot@example.com");

        assertThatCode(pagerDuty::assertEveryRequestMatchedTheSpec).doesNotThrowAnyException();
    }

    // ------------------------------------------------------------------ stubs and reporting

    @Test
    void requestThatNoStubMatchedFailsEvenWhenValid() throws Exception {
        pagerDuty.reset(); // no stubs at all
        pagerDuty.stubFor(get(urlPathEqualTo("/incidents/OTHER/log_entries")).willReturn(okJson("{}")));

        int status = send(pagerDuty, "GET", "/incidents/Q2LYL2KGNNC6FK/log_entries", null,
                "Authorization", PD_AUTH, "Accept", PD_ACCEPT, "Content-Type", "application/json");

        assertThat(status).isEqualTo(404);
        assertThatThrownBy(pagerDuty::assertEveryRequestMatchedTheSpec)
                .hasMessageContaining("no stub matched this request")
                .hasMessageContaining("GET /incidents/Q2LYL2KGNNC6FK/log_entries");
    }

    @Test
    void failureListsEveryOffendingRequestWithMethodUrlAndMessages() throws Exception {
        send(jira, "POST", "/rest/api/3/issue", ISSUE_BODY,
                "Content-Type", "application/json", "Authorization", JIRA_AUTH); // valid
        send(jira, "GET", "/nope?x=1", null, "Authorization", JIRA_AUTH);
        send(jira, "POST", "/rest/api/3/issue", "{\"fields\":[]}", "Content-Type", "application/json");

        assertThatThrownBy(jira::assertEveryRequestMatchedTheSpec)
                .hasMessageStartingWith("2 of 3 request(s) to the Jira mock break the vendor contract")
                .hasMessageContaining("1) GET /nope?x=1")
                .hasMessageContaining("2) POST /rest/api/3/issue")
                .hasMessageContaining("validation.request.body.schema")
                .hasMessageContaining("validation.request.security.credentials");
    }

    @Test
    void resetForgetsEarlierRequests() throws Exception {
        send(jira, "GET", "/nope", null);
        jira.reset();

        assertThat(jira.requests()).isEmpty();
        assertThatCode(jira::assertEveryRequestMatchedTheSpec).doesNotThrowAnyException();
    }

    @Test
    void missingSpecFileIsReportedWithItsExpectedLocation() {
        assertThatThrownBy(() -> VendorApi.forSpecs("Nobody", "nobody/openapi.json").start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("nobody/openapi.json")
                .hasMessageContaining("expected it at");
    }

    /** The extension form: started for the class, journal cleared before and checked after each test. */
    @Nested
    class AsAnExtension {

        @RegisterExtension
        final VendorApi api = VendorApi.pagerDuty();

        @Test
        void validRequestPassesTheAfterEachCheck() throws Exception {
            api.stubFor(get(urlPathEqualTo("/incidents/Q1/log_entries")).willReturn(okJson("{\"log_entries\":[]}")));

            send(api, "GET", "/incidents/Q1/log_entries", null,
                    "Authorization", PD_AUTH, "Accept", PD_ACCEPT, "Content-Type", "application/json");
        }

        @Test
        void afterEachFailsTheTestWhenARequestBrokeTheContract() throws Exception {
            api.stubFor(get(urlPathEqualTo("/incidents/Q1/log_entries")).willReturn(okJson("{}")));
            send(api, "GET", "/incidents/Q1/log_entries", null, "Authorization", PD_AUTH);

            // call the callback by hand to see it fail; then clear the journal so the real afterEach passes
            assertThatThrownBy(() -> api.afterEach(null))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("Accept");
            api.beforeEach(null);
        }
    }

    // ------------------------------------------------------------------ helpers

    private static int send(VendorApi api, String method, String pathAndQuery, String body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api.baseUrl() + pathAndQuery))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
