package io.postmortembridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Period;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.postmortembridge.incidentlog.OutboxSettings;
import io.postmortembridge.postmortem.DraftSettings;

/**
 * Settings read from the real {@code config/application.properties}, with every {@code {{env:NAME:default}}}
 * replaced by its default, as Camel would resolve it with no environment set.
 */
class SettingsTest {

    private static final Pattern ENV = Pattern.compile("\\{\\{env:([A-Z0-9_]+)(?::([^}]*))?}}");

    private final Map<String, String> properties = defaults();

    private static Map<String, String> defaults() {
        Properties file = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of("config/application.properties"), StandardCharsets.UTF_8)) {
            file.load(reader);
        } catch (IOException e) {
            throw new IllegalStateException("config/application.properties must be readable from the module directory", e);
        }
        Map<String, String> resolved = new HashMap<>();
        for (String key : file.stringPropertyNames()) {
            Matcher env = ENV.matcher(file.getProperty(key));
            resolved.put(key, env.replaceAll(m -> Matcher.quoteReplacement(m.group(2) == null ? "" : m.group(2))));
        }
        return resolved;
    }

    @TempDir
    Path tmp;

    /** Extra fields live in a JSON file of their own. */
    private void extraFields(String json) {
        try {
            Path file = Files.writeString(tmp.resolve("postmortem-fields.json"), json);
            properties.put("jira.postmortem-extra-fields-file", file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void missingExtraFieldsFileIsNamed() {
        properties.put("jira.postmortem-extra-fields-file", tmp.resolve("absent.json").toString());

        refused().hasMessageContaining("jira.postmortem-extra-fields-file").hasMessageContaining("does not exist");
    }

    private Settings read() {
        return Settings.read(key -> properties.getOrDefault(key, ""));
    }

    private AbstractThrowableAssert<?, ? extends Throwable> refused() {
        return assertThatThrownBy(this::read).isInstanceOf(IllegalArgumentException.class);
    }

    private void jiraConfigured() {
        properties.put("jira.base-url", "https://acme.atlassian.net");
        properties.put("jira.email", "ops@acme.example");
        properties.put("jira.api-token", "ATATT3xFfGF0-token-value");
        properties.put("pagerduty.webhook-secret", "lDQHScfUeXUKaQRNF+8XIiDKZ7XX3itBAYzwU0TARw8lJqRnkKl2iB1anSb0Z+IK");
        properties.put("jira.webhook-secret", "jira-admin-webhook-secret");
    }

    @Test
    void theShippedDefaultsReadAsDryRun() {
        assertThat(properties).containsEntry("jira.base-url", "").containsEntry("jira.postmortem-project", "PM");

        Settings settings = read();

        assertThat(settings.databaseUrl()).isEqualTo("jdbc:h2:file:./data/postmortem-bridge");
        assertThat(settings.databaseUser()).isEqualTo("sa");
        assertThat(settings.databasePassword()).isEmpty();
        assertThat(settings.pagerDutySecrets()).isEmpty();
        assertThat(settings.pagerDutyApiToken()).isEmpty();
        assertThat(settings.jira().dryRun()).isTrue();
        assertThat(settings.jira().baseUrl()).isNull();
        assertThat(settings.jira().project()).isEqualTo("PM");
        assertThat(settings.jira().issueType()).isEqualTo("Task");
        assertThat(settings.jira().labels()).containsExactly("postmortem");
        assertThat(settings.jira().priorities()).containsExactly(Map.entry("P1", "Highest"), Map.entry("P2", "High"),
                Map.entry("P3", "Medium"), Map.entry("P4", "Low"), Map.entry("P5", "Lowest"));
        assertThat(settings.jira().extraFields().isEmpty()).isTrue();
        assertThat(settings.drafts()).isEqualTo(new DraftSettings(Period.ofDays(14), ZoneId.of("UTC"), false,
                Duration.ofHours(1)));
        assertThat(settings.dryRunDirectory()).isEqualTo("data/postmortems");
        assertThat(settings.outbox()).isEqualTo(new OutboxSettings(20, Duration.ofMinutes(1), Duration.ofSeconds(5),
                Duration.ofMinutes(15)));
        assertThat(settings.databaseConnectionTimeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void configuredJiraIsRead() {
        jiraConfigured();
        properties.put("jira.base-url", "https://acme.atlassian.net//");
        properties.put("pagerduty.webhook-secret", " old-secret , new-secret ,");
        properties.put("jira.postmortem-labels", "postmortem, sre-review");
        extraFields("{\"customfield_10010\": {\"value\": \"Platform\"}}");

        Settings settings = read();

        assertThat(settings.jira().dryRun()).isFalse();
        assertThat(settings.jira().baseUrl()).isEqualTo("https://acme.atlassian.net");
        assertThat(settings.pagerDutySecrets()).containsExactly("old-secret", "new-secret");
        assertThat(settings.jira().labels()).containsExactly("postmortem", "sre-review");
        assertThat(settings.jira().extraFields().toString()).isEqualTo("{\"customfield_10010\":{\"value\":\"Platform\"}}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jira.email", "jira.api-token"})
    void jiraUrlWithoutEmailOrTokenIsRefused(String missing) {
        jiraConfigured();
        properties.put(missing, " ");

        refused().hasMessageContaining("JIRA_BASE_URL").hasMessageContaining("JIRA_EMAIL")
                .hasMessageContaining("JIRA_API_TOKEN")
                .hasMessageNotContaining("ATATT3xFfGF0-token-value").hasMessageNotContaining("ops@acme.example");
    }

    @Test
    void jiraUrlWithoutWebhookSecretIsRefused() {
        jiraConfigured();
        properties.put("pagerduty.webhook-secret", " , ");

        refused().hasMessageContaining("PAGERDUTY_WEBHOOK_SECRET").hasMessageNotContaining("ATATT3xFfGF0-token-value");
    }

    @Test
    void dryRunWithoutWebhookSecretIsAllowed() {
        properties.put("pagerduty.webhook-secret", "");

        assertThat(read().pagerDutySecrets()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"pm", "P M", "1PM", "PM-1", "PM;DROP", "ÄPM",
            "PPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPP"})
    void badProjectKeyIsRefused(String key) {
        properties.put("jira.postmortem-project", key);

        refused().hasMessageContaining("JIRA_POSTMORTEM_PROJECT").hasMessageContaining("'" + key + "'");
    }

    @Test
    void missingProjectKeyIsRefused() {
        properties.put("jira.postmortem-project", "  ");

        refused().hasMessage("jira.postmortem-project (JIRA_POSTMORTEM_PROJECT) must be set");
    }

    @ParameterizedTest
    @ValueSource(strings = {"P1:Highest", "P1=", "=Highest", "P1=Highest,P2", "P1 Highest"})
    void badPriorityMapIsRefused(String map) {
        properties.put("jira.priority-map", map);

        refused().hasMessageContaining("jira.priority-map");
    }

    @Test
    void emptyPriorityMapMapsNothing() {
        properties.put("jira.priority-map", "");

        assertThat(read().jira().priorities()).isEmpty();
    }

    @Test
    void extraFieldsThatAreNotJsonAreRefused() {
        extraFields("{customfield_10010: Platform");

        refused().hasMessageContaining("jira.postmortem-extra-fields").hasMessageContaining("not valid JSON");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[{\"customfield_10010\": 1}]", "\"Platform\"", "42", "null", "true"})
    void extraFieldsThatAreNotAnObjectAreRefused(String value) {
        extraFields(value);

        refused().hasMessageContaining("jira.postmortem-extra-fields").hasMessageContaining("JSON object");
    }

    @Test
    void extraFieldsWithTrailingContentAreRefused() {
        // a second object (which even tries to set 'summary') must not be silently dropped
        extraFields("{\"customfield_10010\": {\"value\": \"Platform\"}} {\"summary\": \"x\"}");

        refused().hasMessageContaining("jira.postmortem-extra-fields");
    }

    @ParameterizedTest
    @ValueSource(strings = {"summary", "description", "project", "issuetype", "labels", "priority"})
    void extraFieldsMayNotOverrideTheServicesOwnFields(String field) {
        extraFields("{\"customfield_10010\": {\"value\": \"Platform\"}, \"" + field + "\": \"x\"}");

        refused().hasMessageContaining("jira.postmortem-extra-fields").hasMessageContaining("'" + field + "'");
    }

    @Test
    void labelWithASpaceIsRefused() {
        properties.put("jira.postmortem-labels", "postmortem, sre review");

        refused().hasMessageContaining("jira.postmortem-labels").hasMessageContaining("'sre review'");
    }

    @ParameterizedTest
    @CsvSource({
            "postmortem.change-window, 1h",
            "postmortem.change-window, 60",
            "outbox.lease, 5 minutes",
            "outbox.initial-backoff, PT",
            "outbox.max-backoff, P15M"})
    void badDurationsAreRefused(String key, String value) {
        properties.put(key, value);

        refused().hasMessageContaining(key).hasMessageContaining("ISO-8601 duration").hasMessageContaining(value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"postmortem.change-window", "outbox.lease", "outbox.initial-backoff", "outbox.max-backoff",
            "database.connection-timeout", "incident-intake.poll-interval", "outbox.poll-interval",
            "postmortem.follow-up-after", "postmortem.time-zone", "postmortem.show-responder-names",
            "outbox.batch-size", "postmortem.dry-run-directory", "jira.postmortem-issue-type"})
    void emptyRequiredSettingIsRefusedByName(String key) {
        properties.put(key, " ");

        refused().hasMessage(key + " must be set");
    }

    @ParameterizedTest
    @ValueSource(strings = {"14 days", "14", "PT14D", "two weeks"})
    void badFollowUpPeriodIsRefused(String value) {
        properties.put("postmortem.follow-up-after", value);

        refused().hasMessageContaining("postmortem.follow-up-after").hasMessageContaining("ISO-8601 period");
    }

    @ParameterizedTest
    @CsvSource({"outbox.lease, -PT5M", "outbox.initial-backoff, PT-5S", "outbox.max-backoff, -PT15M",
            "postmortem.change-window, -PT1H", "postmortem.follow-up-after, P-14D"})
    void negativeDurationsAndPeriodsAreRefused(String key, String value) {
        // a negative lease or backoff, a change window that can hold no change, a follow-up before the resolution
        properties.put(key, value);

        refused().hasMessageContaining(key);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Mars/Olympus", "CEST", "UTC+25", "Europe/Berlinn", "GMT+1:00:00:00"})
    void badZoneIsRefused(String zone) {
        properties.put("postmortem.time-zone", zone);

        refused().hasMessageContaining("postmortem.time-zone");
    }

    @ParameterizedTest
    @ValueSource(strings = {"yes", "TRUE", "1", "on", "False"})
    void badBooleanIsRefused(String value) {
        properties.put("postmortem.show-responder-names", value);

        refused().hasMessage("postmortem.show-responder-names must be true or false, not '" + value + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PT0.1S", "PT5S", "PT30S"})
    void connectionTimeoutOutsideWhatWebhookSendersWaitIsRefused(String value) {
        properties.put("database.connection-timeout", value);

        refused().hasMessage("database.connection-timeout must be between PT0.25S and PT4S (webhook senders wait "
                + "about 5 s for an answer), not '" + value + "'");
    }

    @ParameterizedTest
    @CsvSource({"camel.server.port, 65536, CAMEL_SERVER_PORT", "camel.server.port, -1, CAMEL_SERVER_PORT",
            "camel.management.port, http, CAMEL_MANAGEMENT_PORT"})
    void badPortIsRefusedNamingItsVariable(String key, String value, String env) {
        properties.put(key, value);

        refused().hasMessage(key + " (" + env + ") must be a port number from 0 to 65535, not '" + value + "'");
    }

    @ParameterizedTest
    @CsvSource({"incident-intake.poll-interval, 1s", "outbox.poll-interval, 0", "outbox.poll-interval, -5"})
    void badPollIntervalIsRefused(String key, String value) {
        properties.put(key, value);

        refused().hasMessage(key + " must be a positive whole number, not '" + value + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "ten", "2.5", "99999999999"})
    void badBatchSizeIsRefused(String value) {
        properties.put("outbox.batch-size", value);

        refused().hasMessageContaining("outbox.batch-size").hasMessageContaining("positive whole number");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://acme.atlassian.net", "acme.atlassian.net", "https://", "file:///etc/passwd",
            "javascript:alert(1)", "https://acme atlassian.net", "mailto:ops@acme.example"})
    void nonHttpJiraUrlIsRefused(String url) {
        jiraConfigured();
        properties.put("jira.base-url", url);

        refused().hasMessageContaining("jira.base-url (JIRA_BASE_URL)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://api.pagerduty.com", "api.pagerduty.com", "", "file:///etc/passwd",
            "https://api pagerduty.com"})
    void nonHttpPagerDutyUrlIsRefused(String url) {
        properties.put("pagerduty.api-url", url);

        refused().hasMessageContaining("pagerduty.api-url (PAGERDUTY_API_URL)");
    }

    @Test
    void euPagerDutyUrlIsAccepted() {
        properties.put("pagerduty.api-url", "https://api.eu.pagerduty.com");

        // the URL is used by routes/pagerduty-api.yaml, not held here: accepted means read without complaint
        assertThatCode(this::read).doesNotThrowAnyException();
    }

    @Test
    void missingDatabaseUrlNamesItsVariable() {
        properties.put("database.url", "");

        refused().hasMessage("database.url (DATABASE_URL) must be set");
    }

    @Test
    void everyPropertyTheSettingsReadIsInTheShippedFile() {
        List<String> asked = new java.util.ArrayList<>();
        Settings.read(key -> {
            asked.add(key);
            return properties.getOrDefault(key, "");
        });

        assertThat(properties.keySet()).containsAll(asked);
    }
}
