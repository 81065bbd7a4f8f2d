package io.postmortembridge.jira;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.postmortembridge.jira.JiraActionFixtures.authenticated;
import static io.postmortembridge.jira.JiraActionFixtures.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.postmortembridge.action.Team;
import io.postmortembridge.failure.PermanentFailure;
import io.postmortembridge.failure.TransientFailure;
import io.postmortembridge.testsupport.HttpVendorClient;
import io.postmortembridge.testsupport.MutableClock;
import io.postmortembridge.testsupport.VendorApi;

/** Board and sprint choice, sprint moves and the teams check, over HTTP against the spec-checking Jira stand-in. */
class JiraSprintsTest {

    private static final String BOARDS = "/rest/agile/1.0/board";
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static VendorApi jira = VendorApi.jira();

    private MutableClock clock;
    private JiraSprints sprints;

    @BeforeEach
    void client() {
        jira.server().resetMappings();
        clock = new MutableClock(Instant.parse("2026-03-03T09:00:00Z"));
        sprints = new JiraSprints(new HttpVendorClient(jira.baseUrl(), JiraActionFixtures.EMAIL, JiraActionFixtures.TOKEN),
                JSON, clock);
    }

    private static void projectBoards(String project, int startAt, ResponseDefinitionBuilder answer) {
        jira.stubFor(authenticated(get(urlPathEqualTo(BOARDS)))
                .withQueryParam("projectKeyOrId", equalTo(project))
                .withQueryParam("type", equalTo("scrum"))
                .withQueryParam("startAt", equalTo(Integer.toString(startAt)))
                .withQueryParam("maxResults", equalTo("50"))
                .willReturn(answer));
    }

    private static void boardSprints(long board, String state, ResponseDefinitionBuilder answer) {
        jira.stubFor(authenticated(get(urlPathEqualTo(BOARDS + "/" + board + "/sprint")))
                .withQueryParam("state", equalTo(state))
                .withQueryParam("startAt", equalTo("0"))
                .withQueryParam("maxResults", equalTo("50"))
                .willReturn(answer));
    }

    private static void board(long id, String body) {
        jira.stubFor(authenticated(get(urlEqualTo(BOARDS + "/" + id))).willReturn(okJson(body)));
    }

    // ---------------------------------------------------------------- choosing

    @Test
    void activeSprintOfTheProjectsOnlyScrumBoardIsChosen() {
        projectBoards("PAY", 0, okJson(fixture("boards-pay-one-scrum.json")));
        boardSprints(12, "active", okJson(fixture("sprints-active.json")));

        SprintChoice choice = sprints.choose("PAY", null, "active");

        assertThat(choice.isBacklog()).isFalse();
        assertThat(choice.sprintId()).isEqualTo(37L);
        assertThat(choice.sprintName()).isEqualTo("PAY Sprint 14");
        assertThat(choice.reason()).isEqualTo("the active sprint of board 12 (PAY board) of project PAY");
    }

    @Test
    void nextModeTakesTheBoardsOwnFutureSprintThatStartsFirst() {
        // 38 starts earlier but belongs to another board; 41 has no start date yet
        projectBoards("PAY", 0, okJson(fixture("boards-pay-one-scrum.json")));
        boardSprints(12, "future", okJson(fixture("sprints-future.json")));

        SprintChoice choice = sprints.choose("PAY", null, "next");

        assertThat(choice.sprintId()).isEqualTo(39L);
        assertThat(choice.sprintName()).isEqualTo("PAY Sprint 15");
        assertThat(choice.reason()).startsWith("the next sprint of board 12");
    }

    @Test
    void noOpenSprintSendsActionsToTheBacklog() {
        projectBoards("PAY", 0, okJson(fixture("boards-pay-one-scrum.json")));
        boardSprints(12, "active", okJson(fixture("sprints-none.json")));

        SprintChoice choice = sprints.choose("PAY", null, "active");

        assertThat(choice.isBacklog()).isTrue();
        assertThat(choice.reason())
                .isEqualTo("board 12 (PAY board) of project PAY has no active sprint: the issue goes to the backlog");
    }

    @Test
    void projectWithoutAScrumBoardSendsActionsToTheBacklog() {
        projectBoards("PAY", 0, okJson(fixture("boards-none.json")));

        SprintChoice choice = sprints.choose("PAY", null, "active");

        assertThat(choice).isEqualTo(SprintChoice.backlog(
                "project PAY has no scrum board (kanban or none): the issue goes to the backlog"));
    }

    @Test
    void twoScrumBoardsAreAFailureNamingThemAndTheSettingToAdd() {
        projectBoards("PAY", 0, okJson(fixture("boards-pay-two-scrum-page1.json")));
        projectBoards("PAY", 1, okJson(fixture("boards-pay-two-scrum-page2.json")));
        Team payments = new Team("payments", "PAY", null, List.of("checkout-api"), "Task", JsonNodeFactory.instance.objectNode());

        assertThatThrownBy(() -> sprints.choose(payments, "active")).isInstanceOf(PermanentFailure.class)
                .hasMessage("team payments: project PAY has 2 scrum boards: board 12 (PAY board), board 15 (PAY ops): "
                        + "set board: for team payments in config/teams.yaml to the id of the one its actions join");
    }

    @Test
    void configuredBoardIsUsedWithoutListingTheProjectsBoards() {
        board(12, fixture("board-12.json"));
        boardSprints(12, "active", okJson(fixture("sprints-active.json")));

        SprintChoice choice = sprints.choose("PAY", 12L, "active");

        assertThat(choice.sprintId()).isEqualTo(37L);
        assertThat(jira.server().findAll(getRequestedFor(urlPathEqualTo(BOARDS)))).isEmpty();
    }

    @Test
    void kanbanBoardSendsActionsToTheBacklog() {
        board(31, fixture("board-31-kanban.json"));

        SprintChoice choice = sprints.choose("PAY", 31L, "active");

        assertThat(choice.isBacklog()).isTrue();
        assertThat(choice.reason()).isEqualTo("board 31 (PAY flow) of project PAY is a kanban board, which has no sprints: "
                + "the issue goes to the backlog");
        assertThat(jira.server().findAll(getRequestedFor(urlPathEqualTo(BOARDS + "/31/sprint")))).isEmpty();
    }

    @Test
    void boardThatRefusesToListSprintsSendsActionsToTheBacklog() {
        board(44, "{\"id\":44,\"self\":\"https://your-domain.atlassian.net/rest/agile/1.0/board/44\","
                + "\"name\":\"OPS board\",\"type\":\"simple\"}");
        boardSprints(44, "active", aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                .withBody("{\"errorMessages\":[\"The board does not support sprints\"],\"errors\":{}}"));

        SprintChoice choice = sprints.choose("OPS", 44L, "active");

        assertThat(choice.isBacklog()).isTrue();
        assertThat(choice.reason()).contains("board 44 (OPS board)", "does not take sprints", "backlog");
    }

    @Test
    void configuredBoardThatDoesNotExistSaysToFixTheTeamsFile() {
        jira.stubFor(authenticated(get(urlEqualTo(BOARDS + "/99"))).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"errorMessages\":[\"Board does not exist or you do not have permission to see it.\"],\"errors\":{}}")));
        Team payments = new Team("payments", "PAY", 99L, List.of(), "Task", JsonNodeFactory.instance.objectNode());

        assertThatThrownBy(() -> sprints.choose(payments, "active")).isInstanceOf(PermanentFailure.class)
                .hasMessageStartingWith("team payments: board 99 does not exist or the account cannot see it")
                .hasMessageContaining("fix board: for team payments in config/teams.yaml");
    }

    @Test
    void backlogModeAsksJiraNothing() {
        SprintChoice choice = sprints.choose("PAY", 12L, "backlog");

        assertThat(choice.isBacklog()).isTrue();
        assertThat(jira.requests()).isEmpty();
    }

    @Test
    void unknownModeSaysWhichModesThereAre() {
        assertThatThrownBy(() -> sprints.choose("PAY", null, "current")).isInstanceOf(PermanentFailure.class)
                .hasMessageContaining("'current' is not one of active, next, backlog");
    }

    // ---------------------------------------------------------------- remembering

    @Test
    void twoChoicesForOneProjectWithinTheTtlCostOneLookUp() {
        projectBoards("PAY", 0, okJson(fixture("boards-pay-one-scrum.json")));
        boardSprints(12, "active", okJson(fixture("sprints-active.json")));

        SprintChoice first = sprints.choose("PAY", null, "active");
        clock.advance(Duration.ofSeconds(59));
        SprintChoice second = sprints.choose("PAY", null, "active");

        assertThat(second).isEqualTo(first);
        jira.server().verify(1, getRequestedFor(urlPathEqualTo(BOARDS)));
        jira.server().verify(1, getRequestedFor(urlPathEqualTo(BOARDS + "/12/sprint")));

        clock.advance(Duration.ofSeconds(2));
        sprints.choose("PAY", null, "active");

        jira.server().verify(2, getRequestedFor(urlPathEqualTo(BOARDS)));
        jira.server().verify(2, getRequestedFor(urlPathEqualTo(BOARDS + "/12/sprint")));
    }

    @Test
    void zeroTtlAsksEveryTime() {
        projectBoards("PAY", 0, okJson(fixture("boards-pay-one-scrum.json")));
        boardSprints(12, "active", okJson(fixture("sprints-active.json")));
        JiraSprints asking = new JiraSprints(new HttpVendorClient(jira.baseUrl(), JiraActionFixtures.EMAIL,
                JiraActionFixtures.TOKEN), JSON, clock, Duration.ZERO);

        asking.choose("PAY", null, "active");
        asking.choose("PAY", null, "active");

        jira.server().verify(2, getRequestedFor(urlPathEqualTo(BOARDS)));
    }

    // ---------------------------------------------------------------- failures

    @Test
    void rateLimitedLookUpIsTransientAndCarriesRetryAfter() {
        projectBoards("PAY", 0, aResponse().withStatus(429).withHeader("Retry-After", "17"));

        assertThatThrownBy(() -> sprints.choose("PAY", null, "active"))
                .isInstanceOfSatisfying(TransientFailure.class,
                        f -> assertThat(f.retryAfter()).isEqualTo(Duration.ofSeconds(17)));
    }

    @Test
    void serverErrorIsTransientAndNotRemembered() {
        projectBoards("PAY", 0, aResponse().withStatus(502));

        assertThatThrownBy(() -> sprints.choose("PAY", null, "active")).isInstanceOf(TransientFailure.class)
                .hasMessageContaining("502");

        jira.server().resetMappings();
        projectBoards("PAY", 0, okJson(fixture("boards-none.json")));
        assertThat(sprints.choose("PAY", null, "active").isBacklog()).isTrue();
    }

    @Test
    void unknownProjectSaysToFixTheTeamsFile() {
        projectBoards("NOPE", 0, aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                .withBody("{\"errorMessages\":[\"No project could be found with key or id 'NOPE'\"],\"errors\":{}}"));

        assertThatThrownBy(() -> sprints.choose("NOPE", null, "active")).isInstanceOf(PermanentFailure.class)
                .hasMessageContaining("project NOPE does not exist or the account cannot see it")
                .hasMessageContaining("fix project: for the team in config/teams.yaml");
    }

    // ---------------------------------------------------------------- moving

    @Test
    void moveToSprintSendsAtMostFiftyKeysPerCall() throws Exception {
        jira.stubFor(authenticated(post(urlEqualTo("/rest/agile/1.0/sprint/37/issue"))).willReturn(aResponse().withStatus(204)));
        List<String> keys = IntStream.rangeClosed(1, 120).mapToObj(i -> "PAY-" + i).toList();

        sprints.moveToSprint(37, keys);

        List<LoggedRequest> moves = jira.server().findAll(postRequestedFor(urlEqualTo("/rest/agile/1.0/sprint/37/issue")));
        assertThat(moves).hasSize(3);
        List<String> sent = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        for (LoggedRequest move : moves) {
            JsonNode issues = JSON.readTree(move.getBodyAsString()).get("issues");
            sizes.add(issues.size());
            issues.forEach(k -> sent.add(k.asText()));
        }
        assertThat(sizes).containsExactly(50, 50, 20);
        assertThat(sent).isEqualTo(keys);
    }

    @Test
    void refusedMoveIsPermanentWithJirasMessageAndTheSprintIsChosenAgainNextTime() {
        projectBoards("PAY", 0, okJson(fixture("boards-pay-one-scrum.json")));
        boardSprints(12, "active", okJson(fixture("sprints-active.json")));
        jira.stubFor(authenticated(post(urlEqualTo("/rest/agile/1.0/sprint/37/issue"))).willReturn(aResponse()
                .withStatus(400).withHeader("Content-Type", "application/json")
                .withBody("{\"errorMessages\":[\"Cannot move issues to a closed sprint\"],\"errors\":{}}")));
        long sprint = sprints.choose("PAY", null, "active").sprintId();

        assertThatThrownBy(() -> sprints.moveToSprint(sprint, List.of("PAY-1", "PAY-2")))
                .isInstanceOf(PermanentFailure.class)
                .hasMessageContaining("Jira refused to move PAY-1, PAY-2 into sprint 37 (HTTP 400)")
                .hasMessageContaining("Cannot move issues to a closed sprint");

        sprints.choose("PAY", null, "active");
        jira.server().verify(2, getRequestedFor(urlPathEqualTo(BOARDS + "/12/sprint")));
    }

    @Test
    void rateLimitedMoveIsTransient() {
        jira.stubFor(authenticated(post(urlEqualTo("/rest/agile/1.0/sprint/37/issue")))
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "5")));

        assertThatThrownBy(() -> sprints.moveToSprint(37, List.of("PAY-1")))
                .isInstanceOfSatisfying(TransientFailure.class,
                        f -> assertThat(f.retryAfter()).isEqualTo(Duration.ofSeconds(5)));
    }

    @Test
    void moveRefusesSomethingThatIsNotAnIssueKeyBeforeAnyCall() {
        assertThatThrownBy(() -> sprints.moveToSprint(37, List.of("PAY-1", "../../board")))
                .isInstanceOf(IllegalArgumentException.class);
        jira.server().verify(0, anyRequestedFor(anyUrl()));
    }

    // ---------------------------------------------------------------- the teams check

    @Test
    void teamWhoseProjectDoesNotExistSaysToFixProject() {
        jira.stubFor(authenticated(get(urlEqualTo("/rest/api/3/project/PAY"))).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"errorMessages\":[\"No project could be found with key 'PAY'.\"],\"errors\":{}}")));
        Team payments = new Team("payments", "PAY", null, List.of(), "Task", JsonNodeFactory.instance.objectNode());

        assertThatThrownBy(() -> sprints.checkTeam(payments)).isInstanceOf(PermanentFailure.class)
                .hasMessage("team payments: project PAY does not exist or the account cannot see it: "
                        + "fix project: in config/teams.yaml");
    }

    @Test
    void teamWithAnExistingProjectAndBoardPasses() {
        jira.stubFor(authenticated(get(urlEqualTo("/rest/api/3/project/PAY"))).willReturn(okJson(fixture("project-pay.json"))));
        board(12, fixture("board-12.json"));
        Team payments = new Team("payments", "PAY", 12L, List.of(), "Task", JsonNodeFactory.instance.objectNode());

        assertThatCode(() -> sprints.checkTeam(payments)).doesNotThrowAnyException();
        jira.server().verify(getRequestedFor(urlEqualTo(BOARDS + "/12")));
    }

    @Test
    void teamWhoseBoardDoesNotExistSaysToFixBoard() {
        jira.stubFor(authenticated(get(urlEqualTo("/rest/api/3/project/PAY"))).willReturn(okJson(fixture("project-pay.json"))));
        jira.stubFor(authenticated(get(urlEqualTo(BOARDS + "/77"))).willReturn(aResponse().withStatus(404)));
        Team payments = new Team("payments", "PAY", 77L, List.of(), "Task", JsonNodeFactory.instance.objectNode());

        assertThatThrownBy(() -> sprints.checkTeam(payments)).isInstanceOf(PermanentFailure.class)
                .hasMessageStartingWith("team payments: board 77 does not exist or the account cannot see it: "
                        + "fix board: for team payments in config/teams.yaml");
    }
}
