package io.postmortembridge;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Period;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.postmortembridge.action.ActionSettings;
import io.postmortembridge.action.ReviewRules;
import io.postmortembridge.incidentlog.OutboxSettings;
import io.postmortembridge.jira.JiraSettings;
import io.postmortembridge.postmortem.DraftSettings;

/**
 * The service's settings, read once at start from {@code config/application.properties} (where
 * secrets come from the environment) and checked: a setting that cannot work stops the start with
 * a message naming the setting, rather than failing on the first incident.
 */
record Settings(
        String databaseUrl,
        String databaseUser,
        String databasePassword,
        Duration databaseConnectionTimeout,
        Duration retention,
        List<String> pagerDutySecrets,
        String pagerDutyApiToken,
        JiraSettings jira,
        DraftSettings drafts,
        String dryRunDirectory,
        OutboxSettings outbox,
        List<String> jiraWebhookSecrets,
        String apiToken,
        ActionSettings actions,
        Path teamsFile,
        Duration actionsPollLookback) {

    private static final Pattern PROJECT_KEY = Pattern.compile("[A-Z][A-Z0-9_]{0,254}");
    /** Fields the service sets itself; extra fields may not replace them. */
    private static final Set<String> OWN_FIELDS = Set.of("project", "issuetype", "summary", "description", "labels",
            "priority");

    /** @param property resolves a property, "" when unset */
    static Settings read(Function<String, String> property) {
        JiraSettings jira = jira(property);
        List<String> secrets = list(property.apply("pagerduty.webhook-secret"));
        if (secrets.isEmpty() && !jira.dryRun()) {
            throw new IllegalArgumentException("pagerduty.webhook-secret (PAGERDUTY_WEBHOOK_SECRET) is not set. With "
                    + "Jira configured the service "
                    + "refuses unsigned webhooks: set it to the secret of the PagerDuty webhook subscription "
                    + "(several, comma-separated, while rotating)");
        }
        List<String> jiraSecrets = list(property.apply("jira.webhook-secret"));
        if (jiraSecrets.isEmpty() && !jira.dryRun()) {
            throw new IllegalArgumentException("jira.webhook-secret (JIRA_WEBHOOK_SECRET) is not set. With Jira "
                    + "configured the service refuses unsigned Jira webhooks: give the Jira admin webhook a secret and "
                    + "put it here (several, comma-separated, while rotating)");
        }
        url("pagerduty.api-url (PAGERDUTY_API_URL)", property.apply("pagerduty.api-url"));
        port(property, "camel.server.port", "CAMEL_SERVER_PORT");
        port(property, "camel.management.port", "CAMEL_MANAGEMENT_PORT");
        positive(property, "incident-intake.poll-interval");
        positive(property, "outbox.poll-interval");
        return new Settings(
                required(property, "database.url", "DATABASE_URL"),
                property.apply("database.user"),
                property.apply("database.password"),
                connectionTimeout(property, "database.connection-timeout"),
                duration(property, "incidentlog.retention"),
                secrets,
                property.apply("pagerduty.api-token").strip(),
                jira,
                new DraftSettings(
                        period(property, "postmortem.follow-up-after"),
                        zone(property, "postmortem.time-zone"),
                        bool(property, "postmortem.show-responder-names"),
                        duration(property, "postmortem.change-window")),
                required(property, "postmortem.dry-run-directory", null),
                new OutboxSettings(
                        positive(property, "outbox.batch-size"),
                        duration(property, "outbox.lease"),
                        duration(property, "outbox.initial-backoff"),
                        duration(property, "outbox.max-backoff")),
                jiraSecrets,
                property.apply("api.token").strip(),
                actions(property),
                Path.of(required(property, "actions.teams-file", null)),
                duration(property, "actions.poll-lookback"));
    }

    private static ActionSettings actions(Function<String, String> property) {
        String label = label("actions.agreed-label", required(property, "actions.agreed-label", null));
        String sprint = required(property, "actions.sprint", null);
        List<String> labels = list(property.apply("actions.labels")).stream()
                .map(l -> label("actions.labels", l)).toList();
        return new ActionSettings(label, sprint, priorities("actions.priority-map", property.apply("actions.priority-map")),
                labels, zone(property, "postmortem.time-zone"),
                // one push of an incident at a time: held as long as an outbox task, which a push is
                duration(property, "outbox.lease"), ReviewRules.read(property));
    }

    private static JiraSettings jira(Function<String, String> property) {
        String baseUrl = property.apply("jira.base-url").strip();
        String project = required(property, "jira.postmortem-project", "JIRA_POSTMORTEM_PROJECT");
        if (!PROJECT_KEY.matcher(project).matches()) {
            throw new IllegalArgumentException("jira.postmortem-project (JIRA_POSTMORTEM_PROJECT) must be a Jira "
                    + "project key such as PM or "
                    + "OPS_REVIEW (upper-case letters, digits, underscore), not '" + project + "'");
        }
        if (!baseUrl.isEmpty()) {
            url("jira.base-url (JIRA_BASE_URL)", baseUrl);
            if (property.apply("jira.email").isBlank() || property.apply("jira.api-token").isBlank()) {
                throw new IllegalArgumentException("jira.base-url (JIRA_BASE_URL) is set, so jira.email (JIRA_EMAIL) "
                        + "and jira.api-token (JIRA_API_TOKEN) are needed too: the email of the Atlassian account and "
                        + "one of its API tokens (Jira Cloud). Jira Data Center bearer tokens are not supported yet");
            }
        }
        return new JiraSettings(
                baseUrl.isEmpty() ? null : baseUrl.replaceAll("/+$", ""),
                project,
                required(property, "jira.postmortem-issue-type", null),
                list(property.apply("jira.postmortem-labels")).stream().map(l -> label("jira.postmortem-labels", l)).toList(),
                priorities("jira.priority-map", property.apply("jira.priority-map")),
                extraFields(property.apply("jira.postmortem-extra-fields-file").strip()),
                duration(property, "jira.search-settle"),
                property.apply("jira.duplicate-transition").isBlank() ? null
                        : property.apply("jira.duplicate-transition").strip());
    }

    private static String label(String key, String label) {
        if (label.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException(key + ": Jira labels cannot contain spaces: '" + label + "'");
        }
        return label;
    }

    /** "P1=Highest,P2=High" → {P1: Highest, P2: High}. */
    static Map<String, String> priorities(String key, String value) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String pair : list(value)) {
            String[] parts = pair.split("=", 2);
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                throw new IllegalArgumentException(key + " must look like P1=Highest,P2=High; '" + pair
                        + "' is not incident-priority=Jira-priority");
            }
            map.put(parts[0].strip(), parts[1].strip());
        }
        return map;
    }

    /**
     * The extra fields live in a JSON file of their own: JSON in a properties file would collide with
     * Camel's {@code {{...}}} placeholders as soon as one object nests in another.
     */
    private static ObjectNode extraFields(String file) {
        String key = "jira.postmortem-extra-fields-file";
        ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        if (file.isEmpty()) {
            return json.createObjectNode();
        }
        JsonNode fields;
        try {
            fields = json.readTree(Files.readString(Path.of(file)));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(key + " names " + file + ", which does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException(key + ": " + file + " must hold one JSON object such as "
                    + "{\"customfield_10010\": {\"value\": \"Ops\"}}; it is not valid JSON ("
                    + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        if (!(fields instanceof ObjectNode object)) {
            throw new IllegalArgumentException(key + ": " + file + " must hold a JSON object of field id to value");
        }
        object.fieldNames().forEachRemaining(name -> {
            if (OWN_FIELDS.contains(name)) {
                throw new IllegalArgumentException(key + ": " + file + " cannot set '" + name
                        + "': the service sets it (see the jira.* settings)");
            }
        });
        return object;
    }

    private static void url(String name, String value) {
        try {
            URI uri = URI.create(value.strip());
            if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException(name + " must be an http(s) URL, not '" + value + "'");
            }
        } catch (IllegalArgumentException e) {
            throw e.getMessage() != null && e.getMessage().startsWith(name) ? e
                    : new IllegalArgumentException(name + " is not a URL: '" + value + "'");
        }
    }

    private static String required(Function<String, String> property, String key, String env) {
        String value = property.apply(key).strip();
        if (value.isEmpty()) {
            throw new IllegalArgumentException(key + (env == null ? "" : " (" + env + ")") + " must be set");
        }
        return value;
    }

    private static List<String> list(String value) {
        return Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private static Duration duration(Function<String, String> property, String key) {
        String value = required(property, key, null);
        Duration duration;
        try {
            duration = Duration.parse(value);
        } catch (DateTimeParseException e) {
            duration = null;
        }
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(key + " must be a positive ISO-8601 duration such as PT1H or PT30S, "
                    + "not '" + value + "'");
        }
        return duration;
    }

    /** The pool refuses less than 250 ms; more than PagerDuty's 5 s would answer webhooks after it gave up. */
    private static Duration connectionTimeout(Function<String, String> property, String key) {
        Duration timeout = duration(property, key);
        if (timeout.compareTo(Duration.ofMillis(250)) < 0 || timeout.compareTo(Duration.ofSeconds(4)) > 0) {
            throw new IllegalArgumentException(key + " must be between PT0.25S and PT4S (webhook senders wait about "
                    + "5 s for an answer), not '" + property.apply(key).strip() + "'");
        }
        return timeout;
    }

    private static Period period(Function<String, String> property, String key) {
        String value = required(property, key, null);
        Period period;
        try {
            period = Period.parse(value);
        } catch (DateTimeParseException e) {
            period = null;
        }
        if (period == null || period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException(key + " must be a positive ISO-8601 period such as P14D, not '"
                    + value + "'");
        }
        return period;
    }

    private static ZoneId zone(Function<String, String> property, String key) {
        String value = required(property, key, null);
        try {
            return ZoneId.of(value);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(key + " must be a time zone such as UTC or Europe/Berlin, not '"
                    + value + "'");
        }
    }

    private static boolean bool(Function<String, String> property, String key) {
        String value = required(property, key, null);
        if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalArgumentException(key + " must be true or false, not '" + value + "'");
        }
        return Boolean.parseBoolean(value);
    }

    /** 0 is a port the system picks. */
    private static void port(Function<String, String> property, String key, String env) {
        String value = required(property, key, env);
        if (value.matches("\\d{1,5}") && Integer.parseInt(value) <= 65535) {
            return;
        }
        String kubernetes = value.startsWith("tcp://") ? "; tcp://host:port is what Kubernetes sets in " + env
                + " for a Service named " + env.substring(0, env.length() - "_PORT".length()).toLowerCase(Locale.ROOT)
                .replace('_', '-') + ": set " + env + " to a number in the pod spec, or rename that Service" : "";
        throw new IllegalArgumentException(key + " (" + env + ") must be a port number from 0 to 65535, not '" + value
                + "'" + kubernetes);
    }

    private static int positive(Function<String, String> property, String key) {
        String value = required(property, key, null);
        try {
            int number = Integer.parseInt(value);
            if (number > 0) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(key + " must be a positive whole number, not '" + value + "'");
    }
}
