package io.postmortembridge.jira;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.ObjectMapper;

/** Jira's error answers (shape: ErrorCollection {errorMessages[], errors{field: message}} in the v3 spec). */
class JiraErrorsTest {

    private static final String ACTION = "create the post-mortem issue";

    private final ObjectMapper json = new ObjectMapper();
    private final JiraSettings settings = settings();

    private static JiraSettings settings() {
        Map<String, String> priorities = new LinkedHashMap<>();
        priorities.put("P1", "Highest");
        priorities.put("P2", "High");
        return new JiraSettings("https://acme.atlassian.net", "PM", "Task", List.of("postmortem"), priorities,
                new ObjectMapper().createObjectNode(), Duration.ofSeconds(60), null);
    }

    private String explain(int status, String body) {
        return JiraErrors.explain(ACTION, status, body, settings, json);
    }

    @Test
    void badPriorityNamesThePriorityMap() {
        String message = explain(400, """
                {"errorMessages":[],"errors":{"priority":"Specify the Priority (name) in the string format"}}""");

        assertThat(message).startsWith("Jira refused to create the post-mortem issue (HTTP 400): "
                + "priority: Specify the Priority (name) in the string format. To fix: ");
        assertThat(message).contains("jira.priority-map", "{P1=Highest, P2=High}");
    }

    @Test
    void requiredCustomFieldNamesTheExtraFieldsSetting() {
        String message = explain(400, """
                {"errorMessages":[],"errors":{"customfield_10010":"Team is required."}}""");

        assertThat(message).contains("customfield_10010: Team is required.", "jira.postmortem-extra-fields",
                "project PM requires field 'customfield_10010'", "issue type Task");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "project   | JIRA_POSTMORTEM_PROJECT (now PM)",
            "issuetype | jira.postmortem-issue-type (now Task)",
            "labels    | the labels field must be on the create screen of project PM",
            "summary   | the summary field must be on the create screen of project PM",
            "description | the description field must be on the create screen of project PM"})
    void eachRefusedFieldNamesWhatToChange(String field, String fix) {
        String message = explain(400, "{\"errorMessages\":[],\"errors\":{\"" + field + "\":\"is invalid\"}}");

        assertThat(message).contains(field + ": is invalid", "To fix: " + fix);
    }

    @Test
    void severalRefusedFieldsAreAllExplained() {
        String message = explain(400, """
                {"errorMessages":[],"errors":{"priority":"bad","customfield_10010":"Team is required."}}""");

        assertThat(message).contains("priority: bad; customfield_10010: Team is required.",
                "jira.priority-map", "jira.postmortem-extra-fields");
    }

    @Test
    void errorMessagesAloneAreQuoted() {
        String message = explain(400, """
                {"errorMessages":["Issue type is a sub-task but parent issue key or id not specified."],"errors":{}}""");

        assertThat(message).startsWith("Jira refused to create the post-mortem issue (HTTP 400): "
                + "Issue type is a sub-task but parent issue key or id not specified.");
    }

    @Test
    void errorMessagesAloneStillNameASettingToChange() {
        String message = explain(400, """
                {"errorMessages":["Issue type is a sub-task but parent issue key or id not specified."],"errors":{}}""");

        assertThat(message).contains("To fix").containsAnyOf("jira.", "JIRA_");
    }

    @Test
    void unauthorizedNamesEmailAndToken() {
        String message = explain(401, "Client must be authenticated to access this resource.");

        assertThat(message).isEqualTo("Jira refused to create the post-mortem issue (HTTP 401). To fix: check "
                + "JIRA_EMAIL and JIRA_API_TOKEN (an API token of that Atlassian account)");
    }

    @Test
    void forbiddenNamesTheAccountAndTheProject() {
        String message = explain(403, """
                {"errorMessages":["You do not have permission to create issues in this project."],"errors":{}}""");

        assertThat(message).contains("You do not have permission to create issues in this project.",
                "To fix: the account behind JIRA_EMAIL needs permission", "project PM");
    }

    @Test
    void notFoundNamesTheBaseUrl() {
        String message = explain(404, "{\"errorMessages\":[\"Project 'PM' does not exist.\"],\"errors\":{}}");

        assertThat(message).contains("Project 'PM' does not exist.", "To fix: check JIRA_BASE_URL");
    }

    @ParameterizedTest
    @ValueSource(strings = {"<!DOCTYPE html><html><head><title>Atlassian</title></head><body>Page not found</body></html>",
            "", "   ", "{not json", "[1,2]", "null"})
    void nonJsonBodyStillGivesTheFix(String body) {
        String message = explain(404, body);

        assertThat(message).isEqualTo("Jira refused to create the post-mortem issue (HTTP 404). To fix: check "
                + "JIRA_BASE_URL (it should look like https://your-site.atlassian.net)");
    }

    @Test
    void nullBodyIsHandled() {
        assertThat(explain(401, null)).contains("JIRA_EMAIL", "JIRA_API_TOKEN").doesNotContain("null");
    }

    @Test
    void nonJsonBodyOnABadRequestIsNotEchoed() {
        String message = explain(400, "<html><body>Bad Request</body></html>");

        assertThat(message).startsWith("Jira refused to create the post-mortem issue (HTTP 400)").doesNotContain("<html>");
    }
}
