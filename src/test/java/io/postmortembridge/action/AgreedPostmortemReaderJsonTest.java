package io.postmortembridge.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.time.LocalDate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.postmortembridge.action.ActionRow.Due;
import io.postmortembridge.action.ActionRow.Owner;

/** The HTTP API's body, for teams that write their post-mortems outside Jira. */
class AgreedPostmortemReaderJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void bodyIsReadIntoTheSameValuesAsATable() {
        AgreedPostmortem read = AgreedPostmortemReader.fromJson(json("""
                {"rootCause": "Migrations ran without a lock timeout.",
                 "contributingFactors": "The alert averaged latency.\\nNobody owned the runbook.",
                 "actions": [
                   {"action": "Add a lock timeout to migrations", "owner": "jane.doe@example.com",
                    "due": "2026-12-01", "team": "Payments"},
                   {"action": "Alert on p99 latency", "owner": "Sam Lee", "due": "next sprint"}
                 ]}
                """));

        assertThat(read.rootCause()).isEqualTo("Migrations ran without a lock timeout.");
        assertThat(read.contributingFactors()).isEqualTo("The alert averaged latency.\nNobody owned the runbook.");
        assertThat(read.rows()).containsExactly(
                new ActionRow(1, "Add a lock timeout to migrations", new Owner.Written("jane.doe@example.com"),
                        new Due.On(LocalDate.of(2026, 12, 1)), "Payments"),
                new ActionRow(2, "Alert on p99 latency", new Owner.Written("Sam Lee"), new Due.Written("next sprint"),
                        null));
    }

    @Test
    void emptyActionsAreNoActions() {
        AgreedPostmortem read = AgreedPostmortemReader.fromJson(json("{\"actions\": []}"));

        assertThat(read.rows()).isEmpty();
        assertThat(read.rootCause()).isEmpty();
        assertThat(read.contributingFactors()).isEmpty();
    }

    @Test
    void absentNullAndBlankFieldsAreMissing() {
        AgreedPostmortem read = AgreedPostmortemReader.fromJson(json("""
                {"rootCause": null, "contributingFactors": "  ",
                 "actions": [{}, {"action": null, "owner": null, "due": null, "team": null},
                             {"action": " ", "owner": "\\t", "due": "", "team": "  "}]}
                """));

        assertThat(read.rootCause()).isEmpty();
        assertThat(read.contributingFactors()).isEmpty();
        assertThat(read.rows()).containsExactly(
                new ActionRow(1, "", new Owner.Missing(), new Due.Missing(), null),
                new ActionRow(2, "", new Owner.Missing(), new Due.Missing(), null),
                new ActionRow(3, "", new Owner.Missing(), new Due.Missing(), null));
    }

    @Test
    void rowNumbersAreArrayPositionsFromOne() {
        AgreedPostmortem read = AgreedPostmortemReader.fromJson(json("""
                {"actions": [{"action": "a"}, {"action": "b"}, {"action": "c"}]}
                """));

        assertThat(read.rows()).extracting(ActionRow::row).containsExactly(1, 2, 3);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "2026-12-01     | 2026-12-01",
            "' 2026-12-01 ' | 2026-12-01"})
    void isoDueIsTheDate(String due, LocalDate expected) {
        assertThat(dueOf(due)).isEqualTo(new Due.On(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"next sprint", "31/12/2026", "2026-02-30", "2026-12-01T00:00:00Z", "1796083200000"})
    void otherDueIsWritten(String due) {
        assertThat(dueOf(due)).isEqualTo(new Due.Written(due));
    }

    @Test
    void textIsCollapsedToOneLineWithoutControlCharacters() {
        ObjectNode body = JSON.createObjectNode();
        body.putArray("actions").addObject().put("action", "  Add a\n lock\u0000 timeout\t ")
                .put("owner", "Jane\u200b Doe").put("team", "\u0007Payments");

        ActionRow row = AgreedPostmortemReader.fromJson(body).rows().get(0);

        assertThat(row.action()).isEqualTo("Add a lock timeout");
        assertThat(row.owner()).isEqualTo(new Owner.Written("Jane Doe"));
        assertThat(row.team()).isEqualTo("Payments");
    }

    @Test
    void rootCauseKeepsItsLinesButNotItsBlankLines() {
        ObjectNode body = JSON.createObjectNode().put("rootCause", "First line  \r\n\r\n\n   second\tline\n");
        body.putArray("actions");

        assertThat(AgreedPostmortemReader.fromJson(body).rootCause()).isEqualTo("First line\nsecond line");
    }

    @Test
    void unknownFieldsAreIgnored() {
        AgreedPostmortem read = AgreedPostmortemReader.fromJson(json("""
                {"incident": "pagerduty-Q3B15VLMF3ASBD", "actions": [{"action": "a", "priority": 1}]}
                """));

        assertThat(read.rows()).extracting(ActionRow::action).containsExactly("a");
    }

    // --- wrong types -----------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"[]", "\"actions\"", "42", "null"})
    void bodyThatIsNotAnObjectIsMalformed(String body) {
        assertMalformed(json(body), "The body must be a JSON object such as {\"actions\": [{\"action\": \"Alert when "
                + "replication lag exceeds 30 s\", \"owner\": \"jane.doe@example.com\", \"due\": \"2026-12-01\"}]}");
    }

    @Test
    void absentBodyIsMalformed() {
        assertThatThrownBy(() -> AgreedPostmortemReader.fromJson(null))
                .isInstanceOf(MalformedPostmortemException.class)
                .hasMessageStartingWith("The body must be a JSON object");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"actions\": null}", "{\"rootCause\": \"x\"}"})
    void missingActionsIsMalformed(String body) {
        assertMalformed(json(body), "actions is required: an array of objects such as {\"action\": \"Alert when "
                + "replication lag exceeds 30 s\", \"owner\": \"jane.doe@example.com\", \"due\": \"2026-12-01\", "
                + "\"team\": \"Payments\"}, or [] when the review agreed none");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "\"fix it\"", "3", "true"})
    void actionsThatAreNotAnArrayAreMalformed(String actions) {
        assertMalformed(json("{\"actions\": " + actions + "}"), "actions must be an array of objects such as "
                + "{\"action\": \"Alert when replication lag exceeds 30 s\", \"owner\": \"jane.doe@example.com\", "
                + "\"due\": \"2026-12-01\", \"team\": \"Payments\"}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"fix it\"", "[]", "null", "7"})
    void actionThatIsNotAnObjectIsMalformedAndNamesItsPath(String item) {
        assertMalformed(json("{\"actions\": [{\"action\": \"a\"}, {\"action\": \"b\"}, " + item + "]}"),
                "actions[2] must be an object such as {\"action\": \"Alert when replication lag exceeds 30 s\", "
                        + "\"owner\": \"jane.doe@example.com\", \"due\": \"2026-12-01\", \"team\": \"Payments\"}");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "action | 42          | actions[2].action must be a string such as \"Alert when replication lag exceeds 30 s\"",
            "owner  | {\"id\": 1} | actions[2].owner must be a string such as \"jane.doe@example.com\"",
            "due    | 1796083200000 | actions[2].due must be a string such as \"2026-12-01\"",
            "due    | [2026, 12, 1] | actions[2].due must be a string such as \"2026-12-01\"",
            "team   | false       | actions[2].team must be a string such as \"Payments\""})
    void fieldThatIsNotAStringIsMalformedAndNamesItsPath(String field, String value, String message) {
        assertMalformed(json("{\"actions\": [{}, {}, {\"" + field + "\": " + value + "}]}"), message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"rootCause", "contributingFactors"})
    void sectionThatIsNotAStringIsMalformed(String field) {
        assertMalformed(json("{\"" + field + "\": [\"a\", \"b\"], \"actions\": []}"), field + " must be a string");
    }

    // --- hostile input ---------------------------------------------------------------------------

    @Test
    void actionOfTheLimitIsRead() {
        assertThat(AgreedPostmortemReader.fromJson(actions(1, "a".repeat(2000))).rows().get(0).action()).hasSize(2000);
    }

    @Test
    void actionOverTheLimitIsMalformed() {
        assertMalformed(actions(1, "a".repeat(2001)), "actions[0].action is longer than 2000 characters; say what "
                + "will be done in a sentence or two and link to the details");
    }

    @Test
    void hugeActionIsRefusedQuickly() {
        ObjectNode body = actions(1, "Drop the cache ".repeat(2_000_000));

        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertMalformed(body, "actions[0].action is longer "
                + "than 2000 characters; say what will be done in a sentence or two and link to the details"));
    }

    @Test
    void ownerDueAndTeamAreBounded() {
        assertMalformed(json("{\"actions\": [{\"owner\": \"" + "o".repeat(201) + "\"}]}"),
                "actions[0].owner is longer than 200 characters; name one person");
        assertMalformed(json("{\"actions\": [{\"due\": \"" + "d".repeat(201) + "\"}]}"),
                "actions[0].due is longer than 200 characters; write one date, such as 2026-12-01");
        assertMalformed(json("{\"actions\": [{\"team\": \"" + "t".repeat(201) + "\"}]}"),
                "actions[0].team is longer than 200 characters; write the name of one team");
    }

    @Test
    void twoHundredActionsAreRead() {
        assertThat(AgreedPostmortemReader.fromJson(actions(200, "Add a lock timeout")).rows()).hasSize(200);
    }

    @Test
    void moreThanTwoHundredActionsAreMalformed() {
        assertMalformed(actions(201, "Add a lock timeout"), "actions has 201 items; at most 200 are accepted: keep the "
                + "few the review agreed on and track the rest elsewhere");
    }

    @Test
    void tenThousandActionsAreRefusedQuickly() {
        ObjectNode body = actions(10_000, "Add a lock timeout");

        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertMalformed(body, "actions has 10000 items; at "
                + "most 200 are accepted: keep the few the review agreed on and track the rest elsewhere"));
    }

    @Test
    void hugeRootCauseIsMalformed() {
        ObjectNode body = JSON.createObjectNode().put("rootCause", "x".repeat(32_768));
        body.putArray("actions");

        assertMalformed(body, "rootCause is longer than 32767 characters: summarise it and link to the details");
    }

    // --- helpers ---------------------------------------------------------------------------------

    private static Due dueOf(String due) {
        ObjectNode body = JSON.createObjectNode();
        body.putArray("actions").addObject().put("action", "a").put("due", due);
        return AgreedPostmortemReader.fromJson(body).rows().get(0).due();
    }

    private static ObjectNode actions(int count, String action) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode actions = body.putArray("actions");
        for (int i = 0; i < count; i++) {
            actions.addObject().put("action", action).put("owner", "Jane").put("due", "2026-12-01");
        }
        return body;
    }

    private static void assertMalformed(JsonNode body, String message) {
        assertThatThrownBy(() -> AgreedPostmortemReader.fromJson(body))
                .isInstanceOf(MalformedPostmortemException.class)
                .hasMessage(message);
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
