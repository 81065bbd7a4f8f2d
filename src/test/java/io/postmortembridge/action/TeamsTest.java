package io.postmortembridge.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The teams file: what it says, and the messages for every way of writing it wrong. */
class TeamsTest {

    private static final String FILE = "config/teams.yaml";

    private static String example() throws IOException {
        try (InputStream in = TeamsTest.class.getResourceAsStream("/jira/actions/teams.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Teams parse(String yaml) {
        return Teams.parse(yaml, FILE);
    }

    private static List<String> problems(String yaml) {
        try {
            parse(yaml);
        } catch (Teams.InvalidTeamsFile e) {
            return e.problems();
        }
        throw new AssertionError("the file was accepted:\n" + yaml);
    }

    // ---------------------------------------------------------------- reading

    @Test
    void exampleFileGivesEachTeamItsProjectBoardServicesTypeAndFields() throws Exception {
        Teams teams = parse(example());

        assertThat(teams.names()).containsExactly("payments", "Platform", "search");
        Team payments = teams.named("payments").orElseThrow();
        assertThat(payments.project()).isEqualTo("PAY");
        assertThat(payments.board()).isEqualTo(12L);
        assertThat(payments.services()).containsExactly("checkout-api", "P1ABCDE");
        assertThat(payments.issueType()).isEqualTo("Task");
        assertThat(payments.fields()).isEqualTo(new ObjectMapper().readTree(
                "{\"customfield_10020\":{\"value\":\"Payments\"},\"components\":[{\"name\":\"checkout\"}]}"));
        Team search = teams.named("search").orElseThrow();
        assertThat(search.board()).isNull();
        assertThat(search.issueType()).isEqualTo("Story");
        assertThat(search.project()).isEqualTo("SRCH_2");
        assertThat(teams.named("platform").orElseThrow().issueType()).as("default issue type").isEqualTo("Task");
        assertThat(teams.named("platform").orElseThrow().fields()).isEmpty();
    }

    @Test
    void teamNamesAreMatchedIgnoringCase() throws Exception {
        Teams teams = parse(example());

        assertThat(teams.named("PAYMENTS")).map(Team::project).contains("PAY");
        assertThat(teams.named("nobody")).isEmpty();
        assertThat(teams.defaultTeam().name()).isEqualTo("Platform");
    }

    @Test
    void serviceOwnerIsFoundByIdOrByNameElseTheDefaultTeam() throws Exception {
        Teams teams = parse(example());

        assertThat(teams.ownerOf("P1ABCDE", "Checkout").name()).isEqualTo("payments");
        assertThat(teams.ownerOf("PNOTLISTED", "Checkout-API").name()).isEqualTo("payments");
        assertThat(teams.ownerOf("pxyz123", null).name()).isEqualTo("Platform");
        assertThat(teams.ownerOf("PUNKNOWN", "billing-worker").name()).isEqualTo("Platform");
        assertThat(teams.ownerOf(null, null).name()).isEqualTo("Platform");
    }

    @Test
    void fieldsValuesKeepTheirYamlTypes() {
        Teams teams = parse("""
                defaultTeam: a
                teams:
                  - name: a
                    project: AA
                    fields: {customfield_1: 3, customfield_2: true, customfield_3: "3", customfield_4: ~, customfield_5: 2.5}
                """);

        var fields = teams.defaultTeam().fields();
        assertThat(fields.get("customfield_1").isInt()).isTrue();
        assertThat(fields.get("customfield_2").isBoolean()).isTrue();
        assertThat(fields.get("customfield_3").isTextual()).isTrue();
        assertThat(fields.get("customfield_4").isNull()).isTrue();
        assertThat(fields.get("customfield_5").isNumber()).isTrue();
    }

    @Test
    void loadReadsTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("teams.yaml");
        Files.writeString(file, example());

        assertThat(Teams.load(file).names()).hasSize(3);
    }

    // ---------------------------------------------------------------- refusing

    @Test
    void missingFileSaysWhichFileAndWhatToDo(@TempDir Path dir) {
        Path file = dir.resolve("config/teams.yaml");

        assertThatThrownBy(() -> Teams.load(file)).isInstanceOf(Teams.InvalidTeamsFile.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("no such file")
                .hasMessageContaining("actions.teams-file");
    }

    @Test
    void yamlSyntaxErrorNamesTheLine() {
        List<String> problems = problems("""
                defaultTeam: payments
                teams:
                  - name: payments
                    project: PAY
                    services: [checkout-api
                """);

        assertThat(problems).singleElement().asString().startsWith(FILE + " line ").contains("not valid YAML");
    }

    @Test
    void tabIndentationIsASyntaxErrorOnItsLine() {
        List<String> problems = problems("defaultTeam: a\nteams:\n  - name: a\n\tproject: AA\n");

        assertThat(problems).singleElement().asString().startsWith(FILE + " line 4: not valid YAML");
    }

    @Test
    void emptyFileSaysWhatToWrite() {
        assertThat(problems("# nothing yet\n")).singleElement().asString().contains("is empty");
    }

    @Test
    void missingDefaultTeamIsRefused() {
        assertThat(problems("""
                teams:
                  - name: payments
                    project: PAY
                """)).singleElement().asString().isEqualTo(FILE + " line 1: defaultTeam: is missing. To fix: add "
                + "defaultTeam: with the name of the team that owns services no team lists");
    }

    @Test
    void defaultTeamThatIsNotListedNamesTheTeamsThereAre() {
        assertThat(problems("""
                defaultTeam: platfrom
                teams:
                  - name: payments
                    project: PAY
                  - name: platform
                    project: PLAT
                """)).singleElement().asString().isEqualTo(FILE + " line 1: defaultTeam: platfrom is not a team of this "
                + "file. To fix: name one of [payments, platform]");
    }

    @Test
    void duplicateTeamNamesAreRefusedIgnoringCase() {
        assertThat(problems("""
                defaultTeam: payments
                teams:
                  - name: payments
                    project: PAY
                  - name: Payments
                    project: PAY2
                """)).singleElement().asString().isEqualTo(FILE + " line 5: team Payments is listed twice (first at line"
                + " 3). To fix: give each team one entry, with a name of its own");
    }

    @Test
    void projectNameInsteadOfKeyIsRefused() {
        assertThat(problems("""
                defaultTeam: payments
                teams:
                  - name: payments
                    project: Payments
                """)).singleElement().asString().startsWith(FILE + " line 4: team payments: project Payments is not a "
                + "Jira project key. To fix: write the project's key");
    }

    @Test
    void boardMustBeAPositiveWholeNumber() {
        for (String board : List.of("twelve", "-3", "0", "12.5", "\"12\"", "[12]")) {
            assertThat(problems("defaultTeam: a\nteams:\n  - name: a\n    project: AA\n    board: " + board + "\n"))
                    .as(board).singleElement().asString()
                    .startsWith(FILE + " line 5: team a: board ").contains("is not a board id");
        }
    }

    @Test
    void serviceUnderTwoTeamsNamesBoth() {
        assertThat(problems("""
                defaultTeam: payments
                teams:
                  - name: payments
                    project: PAY
                    services: [checkout-api]
                  - name: platform
                    project: PLAT
                    services: [Checkout-API]
                """)).singleElement().asString().isEqualTo(FILE + " line 6: team platform: service Checkout-API is also "
                + "listed under team payments. To fix: list each service under the one team that owns it");
    }

    @Test
    void misspeltKeyNamesTheKeysThereAre() {
        assertThat(problems("""
                defaultTeam: payments
                teams:
                  - name: payments
                    project: PAY
                    servcies: [checkout-api]
                """)).singleElement().asString().isEqualTo(FILE + " line 5: team payments: unknown key servcies. To fix: "
                + "use only name, project, board, services, issueType, fields");
        assertThat(problems("""
                defaultteam: payments
                teams:
                  - name: payments
                    project: PAY
                """)).first().asString().contains("unknown key defaultteam (did you mean defaultTeam?)");
    }

    @Test
    void fieldsMayNotSetWhatThePushSets() {
        for (String field : List.of("project", "issuetype", "summary", "description", "assignee", "duedate", "labels",
                "priority", "Summary")) {
            assertThat(problems("defaultTeam: a\nteams:\n  - name: a\n    project: AA\n    fields:\n      " + field
                    + ": x\n")).as(field).singleElement().asString()
                    .startsWith(FILE + " line 6: team a: fields: cannot set " + field + ": the push sets it");
        }
    }

    @Test
    void fieldIdMustBeAJiraFieldId() {
        assertThat(problems("defaultTeam: a\nteams:\n  - name: a\n    project: AA\n    fields:\n      Team name: Ops\n"))
                .singleElement().asString().startsWith(FILE + " line 6: team a: fields: Team name is not a Jira field id");
    }

    @Test
    void mergeKeysShareFieldsBetweenTeams() {
        Teams teams = parse("""
                defaultTeam: a
                teams:
                  - name: a
                    project: AA
                    fields: &common {customfield_1: {value: Ops}}
                  - name: b
                    project: BB
                    fields:
                      <<: *common
                      customfield_2: 5
                """);

        assertThat(teams.named("b").orElseThrow().fields()).hasSize(2);
        assertThat(teams.named("b").orElseThrow().fields().at("/customfield_1/value").asText()).isEqualTo("Ops");
    }

    @Test
    void unclosedListSaysWhereItStarted() {
        assertThat(problems("defaultTeam: a\nteams:\n  - name: a\n    project: AA\n    services: [checkout-api\n"))
                .singleElement().asString().contains("while parsing a flow sequence from line 5");
    }

    @Test
    void everyProblemIsListedAtOnce() {
        List<String> problems = problems("""
                defaultTeam: payments
                teams:
                  - name: payments
                    project: pay
                    board: x
                  - project: PLAT
                """);

        assertThat(problems).hasSize(3);
        assertThat(problems.get(2)).contains("team 2 has no name:");
    }

    @Test
    void aliasBombIsRefusedBeforeItExpands() {
        StringBuilder yaml = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i <= 9; i++) {
            yaml.append("a").append(i).append(": &a").append(i).append(" [");
            for (int j = 0; j < 10; j++) {
                yaml.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
            }
            yaml.append("]\n");
        }
        yaml.append("defaultTeam: a\nteams:\n  - name: a\n    project: AA\n    fields: {customfield_1: *a9}\n");

        assertThat(problems(yaml.toString())).singleElement().asString().contains("aliases");
    }

    @Test
    void sharedFieldsThroughAFewAliasesAreFine() {
        Teams teams = parse("""
                defaultTeam: a
                teams:
                  - name: a
                    project: AA
                    fields: {customfield_1: &ops {value: Ops}}
                  - name: b
                    project: BB
                    fields: {customfield_1: *ops}
                """);

        assertThat(teams.named("b").orElseThrow().fields()).isEqualTo(teams.named("a").orElseThrow().fields());
    }

    @Test
    void selfContainingStructureIsRefusedNotFollowed() {
        assertThat(problems("""
                defaultTeam: a
                teams:
                  - name: a
                    project: AA
                    fields: {customfield_1: &loop [*loop]}
                """)).isNotEmpty();
    }

    @Test
    void oversizedFileIsRefused(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("teams.yaml");
        Files.writeString(file, "# " + "x".repeat(Teams.LARGEST_FILE) + "\n");

        assertThatThrownBy(() -> Teams.load(file)).isInstanceOf(Teams.InvalidTeamsFile.class)
                .hasMessageContaining("larger than 1024 KiB");
    }

    @Test
    void topLevelMustBeAMappingWithTeams() {
        assertThat(problems("- a\n- b\n")).singleElement().asString().contains("must be a mapping");
        assertThat(problems("defaultTeam: a\nteams: []\n")).first().asString()
                .contains("teams: must be a list of teams");
    }
}
