package io.postmortembridge.incidentlog;

import static io.postmortembridge.incidentlog.IncidentLog.instant;
import static io.postmortembridge.incidentlog.IncidentLog.storable;
import static io.postmortembridge.incidentlog.IncidentLog.ts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * The action push's part of the incident log: what a review agreed, each action and its Jira issue,
 * the requests to push, a lease so that one push of an incident runs at a time across replicas, and
 * the checkpoints of polls.
 */
public final class ActionLog {

    /** The outbox task kind, and the route that runs it: {@code direct:postmortem-actions}. */
    public static final String POSTMORTEM_ACTIONS = "postmortem-actions";

    private final Jdbi jdbi;
    private final Outbox outbox;
    private final Clock clock;
    private final String owner = UUID.randomUUID().toString();

    public ActionLog(Database database, Outbox outbox, Clock clock) {
        this.jdbi = database.jdbi();
        this.outbox = outbox;
        this.clock = clock;
    }

    /** Which push a task asks for: the post-mortem issue's actions, or those sent over the API. */
    public record PushRequest(String issueKey, Long incidentId) {

        public static PushRequest parse(String payload) {
            if (payload.startsWith("issue:")) {
                return new PushRequest(payload.substring("issue:".length()), null);
            }
            if (payload.startsWith("api:")) {
                return new PushRequest(null, Long.parseLong(payload.substring("api:".length())));
            }
            throw new IllegalArgumentException("not a push request: " + payload);
        }
    }

    /**
     * Asks for the actions of a post-mortem issue to be read and pushed, once per version of the
     * issue: a webhook and a poll that saw the same update ask once.
     *
     * @param version the issue's {@code updated} time, in epoch milliseconds
     * @return false when this version was asked for already
     */
    public boolean requestPush(String issueKey, long version) {
        String key = POSTMORTEM_ACTIONS + ":" + issueKey + ":" + version;
        boolean stored = jdbi.inTransaction(h -> outbox.enqueue(h, POSTMORTEM_ACTIONS, key, "issue:" + issueKey) == 1);
        if (stored) {
            outbox.wake();
        }
        return stored;
    }

    /** Stores an agreed post-mortem sent over the API and asks for its push. */
    public void requestApiPush(long incidentId, String agreedJson) {
        jdbi.useTransaction(h -> {
            h.createUpdate("UPDATE incident SET agreed_json = :json, updated_at = :now WHERE id = :id")
                    .bind("json", storable(agreedJson)).bind("now", ts(clock.instant())).bind("id", incidentId)
                    .execute();
            outbox.enqueue(h, POSTMORTEM_ACTIONS, POSTMORTEM_ACTIONS + ":api:" + incidentId + ":" + UUID.randomUUID(),
                    "api:" + incidentId);
        });
        outbox.wake();
    }

    public Optional<String> agreedJson(long incidentId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT agreed_json FROM incident WHERE id = :id")
                .bind("id", incidentId).mapTo(String.class).findOne());
    }

    /** The incident whose post-mortem is this Jira issue. */
    public Optional<Long> incidentOfPostmortemIssue(String jiraKey) {
        return jdbi.withHandle(h -> h.createQuery("SELECT incident_id FROM postmortem WHERE jira_key = :key")
                .bind("key", jiraKey).mapTo(Long.class).findOne());
    }

    /**
     * Takes the incident's push lease: true when this replica may push its actions now. A push that
     * dies keeps it for {@code lease} at most.
     */
    public boolean acquirePush(long incidentId, Duration lease) {
        Instant now = clock.instant();
        return jdbi.withHandle(h -> h.createUpdate("""
                        UPDATE incident SET push_lease_until = :until, push_lease_owner = :owner
                        WHERE id = :id AND (push_lease_until IS NULL OR push_lease_until < :now OR push_lease_owner = :owner)""")
                .bind("until", ts(now.plus(lease))).bind("owner", owner).bind("now", ts(now)).bind("id", incidentId)
                .execute()) == 1;
    }

    public void releasePush(long incidentId) {
        jdbi.useHandle(h -> h.createUpdate("""
                        UPDATE incident SET push_lease_until = NULL, push_lease_owner = NULL
                        WHERE id = :id AND push_lease_owner = :owner""")
                .bind("owner", owner).bind("id", incidentId).execute());
    }

    /** Keeps what the review agreed; the first time, also when. */
    public void recordAgreement(long incidentId, String rootCause, String contributingFactors) {
        Instant now = clock.instant();
        jdbi.useHandle(h -> h.createUpdate("""
                        UPDATE incident SET root_cause = :rootCause, contributing_factors = :factors,
                            agreed_at = COALESCE(agreed_at, :now), updated_at = :now WHERE id = :id""")
                .bind("rootCause", storable(rootCause)).bind("factors", storable(contributingFactors))
                .bind("now", ts(now)).bind("id", incidentId)
                .execute());
    }

    public List<LoggedAction> actions(long incidentId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM action WHERE incident_id = :id ORDER BY table_row, id")
                .bind("id", incidentId).map(ActionLog::actionRow).list());
    }

    /**
     * An action as the table now says it. New: stored. Known and not yet in Jira: updated to what the
     * table says now. Known and in Jira: left as it is (it is never pushed again), only its row number follows.
     */
    public LoggedAction upsert(long incidentId, String actionKey, String label, int row, String text,
            String ownerAccountId, String ownerName, LocalDate due, String team, String project, String status,
            String refusal) {
        Instant now = clock.instant();
        return jdbi.inTransaction(h -> {
            int updated = h.createUpdate("""
                            UPDATE action SET table_row = :row,
                                text = CASE WHEN jira_key IS NULL THEN :text ELSE text END,
                                owner_account_id = CASE WHEN jira_key IS NULL THEN :ownerId ELSE owner_account_id END,
                                owner_name = CASE WHEN jira_key IS NULL THEN :ownerName ELSE owner_name END,
                                due_on = CASE WHEN jira_key IS NULL THEN :due ELSE due_on END,
                                team = CASE WHEN jira_key IS NULL THEN :team ELSE team END,
                                project = CASE WHEN jira_key IS NULL THEN :project ELSE project END,
                                status = CASE WHEN jira_key IS NULL THEN :status ELSE status END,
                                refusal = CASE WHEN jira_key IS NULL THEN :refusal ELSE refusal END,
                                updated_at = :now
                            WHERE incident_id = :incident AND action_key = :key""")
                    .bind("row", row).bind("text", storable(text, 4000)).bind("ownerId", storable(ownerAccountId, 128))
                    .bind("ownerName", storable(ownerName, 512)).bind("due", due).bind("team", storable(team, 128))
                    .bind("project", storable(project, 64)).bind("status", status).bind("refusal", storable(refusal, 4000))
                    .bind("now", ts(now)).bind("incident", incidentId).bind("key", actionKey)
                    .execute();
            if (updated == 0) {
                h.createUpdate("""
                                INSERT INTO action (incident_id, action_key, idempotency_label, table_row, text,
                                    owner_account_id, owner_name, due_on, team, project, status, refusal, in_sprint,
                                    created_at, updated_at)
                                VALUES (:incident, :key, :label, :row, :text, :ownerId, :ownerName, :due, :team,
                                    :project, :status, :refusal, FALSE, :now, :now)""")
                        .bind("incident", incidentId).bind("key", actionKey).bind("label", storable(label, 255))
                        .bind("row", row).bind("text", storable(text, 4000)).bind("ownerId", storable(ownerAccountId, 128))
                        .bind("ownerName", storable(ownerName, 512)).bind("due", due).bind("team", storable(team, 128))
                        .bind("project", storable(project, 64)).bind("status", status)
                        .bind("refusal", storable(refusal, 4000)).bind("now", ts(now))
                        .execute();
            }
            return h.createQuery("SELECT * FROM action WHERE incident_id = :incident AND action_key = :key")
                    .bind("incident", incidentId).bind("key", actionKey).map(ActionLog::actionRow).one();
        });
    }

    /**
     * Forgets actions no longer in the table (the row was fixed into another action, or removed) that
     * are not in Jira: an action in Jira is never forgotten, nor is one whose create went unanswered,
     * which Jira may hold.
     */
    public void forgetUnpushedExcept(long incidentId, List<String> actionKeys) {
        jdbi.useHandle(h -> {
            var update = h.createUpdate("DELETE FROM action WHERE incident_id = :id AND jira_key IS NULL"
                    + " AND create_sent_at IS NULL"
                    + (actionKeys.isEmpty() ? "" : " AND action_key NOT IN (<keys>)"));
            update.bind("id", incidentId);
            if (!actionKeys.isEmpty()) {
                update.bindList("keys", actionKeys);
            }
            update.execute();
        });
    }

    /** Before a create is sent: until an answer says otherwise, Jira may hold issues the log does not know of. */
    public void recordCreateSent(List<Long> actionIds) {
        setCreateSent(actionIds, clock.instant());
    }

    /** Jira answered and made none of these issues. */
    public void recordCreateAnswered(List<Long> actionIds) {
        setCreateSent(actionIds, null);
    }

    private void setCreateSent(List<Long> actionIds, Instant at) {
        if (actionIds.isEmpty()) {
            return;
        }
        jdbi.useHandle(h -> h.createUpdate("UPDATE action SET create_sent_at = :at, updated_at = :now WHERE id IN (<ids>)")
                .bind("at", ts(at)).bind("now", ts(clock.instant())).bindList("ids", actionIds).execute());
    }

    /** The action's Jira issue, and the sprint it is meant for (null: the backlog, for the reason given). */
    public void recordCreated(long actionId, String jiraKey, Long sprintId, String sprintName) {
        jdbi.useHandle(h -> h.createUpdate("""
                        UPDATE action SET jira_key = :key, status = :status, refusal = NULL, create_sent_at = NULL,
                            sprint_id = :sprint, sprint_name = :sprintName, updated_at = :now WHERE id = :id""")
                .bind("key", jiraKey).bind("status", LoggedAction.CREATED).bind("sprint", sprintId)
                .bind("sprintName", storable(sprintName, 512)).bind("now", ts(clock.instant())).bind("id", actionId)
                .execute());
    }

    /** Jira refused to create it; the reason says what to change. */
    public void recordRefused(long actionId, String reason) {
        jdbi.useHandle(h -> h.createUpdate("""
                        UPDATE action SET status = :status, refusal = :reason, create_sent_at = NULL, updated_at = :now
                        WHERE id = :id AND jira_key IS NULL""")
                .bind("status", LoggedAction.REFUSED).bind("reason", storable(reason, 4000))
                .bind("now", ts(clock.instant())).bind("id", actionId)
                .execute());
    }

    public void recordInSprint(List<Long> actionIds) {
        if (actionIds.isEmpty()) {
            return;
        }
        jdbi.useHandle(h -> h.createUpdate("UPDATE action SET in_sprint = TRUE, updated_at = :now WHERE id IN (<ids>)")
                .bind("now", ts(clock.instant())).bindList("ids", actionIds).execute());
    }

    public Optional<String> outcomeHash(long incidentId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT outcome_hash FROM incident WHERE id = :id")
                .bind("id", incidentId).mapTo(String.class).findOne());
    }

    public void recordOutcomeHash(long incidentId, String hash) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE incident SET outcome_hash = :hash WHERE id = :id")
                .bind("hash", hash).bind("id", incidentId).execute());
    }

    public Optional<String> checkpoint(String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT reached FROM checkpoint WHERE name = :name")
                .bind("name", name).mapTo(String.class).findOne());
    }

    public void recordCheckpoint(String name, String value) {
        Instant now = clock.instant();
        jdbi.useTransaction(h -> {
            int updated = h.createUpdate("UPDATE checkpoint SET reached = :value, updated_at = :now WHERE name = :name")
                    .bind("value", value).bind("now", ts(now)).bind("name", name).execute();
            if (updated == 0) {
                h.createUpdate("INSERT INTO checkpoint (name, reached, updated_at) VALUES (:name, :value, :now)")
                        .bind("value", value).bind("now", ts(now)).bind("name", name).execute();
            }
        });
    }

    private static LoggedAction actionRow(ResultSet rs, StatementContext ctx) throws SQLException {
        long sprint = rs.getLong("sprint_id");
        Long sprintId = rs.wasNull() ? null : sprint;
        return new LoggedAction(rs.getLong("id"), rs.getLong("incident_id"), rs.getString("action_key"),
                rs.getString("idempotency_label"), rs.getInt("table_row"), rs.getString("text"),
                rs.getString("owner_account_id"), rs.getString("owner_name"), rs.getObject("due_on", LocalDate.class),
                rs.getString("team"), rs.getString("project"), rs.getString("status"), rs.getString("refusal"),
                rs.getString("jira_key"), sprintId, rs.getString("sprint_name"), rs.getBoolean("in_sprint"),
                instant(rs, "create_sent_at"));
    }
}
