package io.postmortembridge.incidentlog;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.postmortembridge.incident.Actor;
import io.postmortembridge.incident.EventKind;
import io.postmortembridge.incident.IncidentEvent;
import io.postmortembridge.incident.IncidentSnapshot;
import io.postmortembridge.incident.IncidentStatus;
import io.postmortembridge.incident.Origin;
import io.postmortembridge.incident.Source;
import io.postmortembridge.incident.WebhookEvent;

/**
 * The incident log: incidents, their timelines and post-mortems. Writes that belong together (an
 * event, the incident it changes, the work it starts) happen in one transaction, so a crash leaves
 * either all of them or none.
 */
public final class IncidentLog {

    /**
     * The outbox task that decides on a review once an incident is resolved, and drafts it; its
     * payload is the incident id. Each task kind is handled by the route {@code direct:<kind>}.
     */
    public static final String POSTMORTEM_DRAFT = "postmortem-draft";
    /** The outbox task that sends a drafted post-mortem to Jira; its payload is the post-mortem id. */
    public static final String POSTMORTEM_PUBLISH = "postmortem-publish";
    /**
     * The outbox task that looks, once Jira's search has caught up, for a second issue of a published
     * post-mortem; its payload is the post-mortem id.
     */
    public static final String POSTMORTEM_DUPLICATES = "postmortem-duplicates";

    private static final String UNIQUE_VIOLATION = "23505";
    /** Incident ids remembered, enough for every incident of a busy day. */
    private static final int REMEMBERED_IDS = 10_000;
    private static final int RECORD_ATTEMPTS = 3;

    private final Jdbi jdbi;
    private final Outbox outbox;
    private final Clock clock;
    private final Map<String, Long> incidentIds = new ConcurrentHashMap<>();
    private final Counter drafted;
    private final Counter notNeeded;
    private final Counter published;
    private final Counter written;

    public IncidentLog(Jdbi jdbi, Outbox outbox, Clock clock, MeterRegistry meters) {
        this.jdbi = jdbi;
        this.outbox = outbox;
        this.clock = clock;
        this.drafted = review("drafted", meters);
        this.notNeeded = review("not-needed", meters);
        this.published = publication("jira", meters);
        this.written = publication("dry-run", meters);
    }

    private static Counter review(String decision, MeterRegistry meters) {
        return Counter.builder("postmortem_bridge_reviews").tag("decision", decision)
                .description("Resolved incidents by review decision: a post-mortem drafted, or no review needed")
                .register(meters);
    }

    private static Counter publication(String to, MeterRegistry meters) {
        return Counter.builder("postmortem_bridge_postmortems_published").tag("to", to)
                .description("Post-mortems published, as Jira issues or, in dry-run, as files")
                .register(meters);
    }

    /**
     * Records what one event says about its incident, in a transaction of its own: the incident's
     * facts, the event, and, when it resolves the incident, the task to decide on a review.
     *
     * @return true if it asked for a review
     */
    public boolean record(WebhookEvent event) {
        for (int attempt = 1; ; attempt++) {
            try {
                return jdbi.inTransaction(h -> record(h, event));
            } catch (UnableToExecuteStatementException e) {
                // another replica created the same incident or event at the same moment: it exists now
                if (!isUniqueViolation(e) || attempt == RECORD_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /**
     * Records one event inside the caller's transaction. The incident's facts follow the events' own
     * times, not their arrival: an event older than the facts fills what is unknown and changes
     * nothing else, so a late or replayed {@code incident.triggered} never reopens a resolved incident.
     *
     * @return true if it asked for a review
     */
    boolean record(Handle h, WebhookEvent event) {
        Instant now = clock.instant();
        IncidentEvent happening = event.event();
        long incidentId = applyFacts(h, event.incident(), happening.occurredAt(), now);
        insertEventIfNew(h, incidentId, happening);
        if (event.resolution()) {
            outbox.enqueue(h, POSTMORTEM_DRAFT, POSTMORTEM_DRAFT + ":" + incidentId + ":" + happening.key(),
                    Long.toString(incidentId));
        }
        return event.resolution();
    }

    /** Adds what the source's API says: newer facts and the events not yet known. */
    public void enrich(long incidentId, IncidentSnapshot incident, List<IncidentEvent> events) {
        jdbi.useTransaction(h -> {
            updateIncident(h, incidentId, incident, clock.instant());
            for (IncidentEvent event : events) {
                insertEventIfNew(h, incidentId, event);
            }
        });
    }

    public Optional<LoggedIncident> incident(long incidentId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM incident WHERE id = :id")
                .bind("id", incidentId)
                .map(IncidentLog::incidentRow)
                .findOne());
    }

    public Optional<LoggedIncident> incident(Source source, String externalId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM incident WHERE source = :source AND external_id = :id")
                .bind("source", source.id()).bind("id", externalId)
                .map(IncidentLog::incidentRow)
                .findOne());
    }

    /** The incident's events, oldest first. */
    public List<IncidentEvent> events(long incidentId) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT * FROM incident_event WHERE incident_id = :id ORDER BY occurred_at, id")
                .bind("id", incidentId)
                .map(IncidentLog::eventRow)
                .list());
    }

    /** Records the review decision and, in the log, why. */
    public void recordReview(long incidentId, boolean needed, String reason) {
        if (!needed) {
            notNeeded.increment();
        }
        jdbi.useHandle(h -> h.createUpdate(
                        "UPDATE incident SET review = :review, review_reason = :reason, updated_at = :now WHERE id = :id")
                .bind("review", needed ? "needed" : "not-needed")
                .bind("reason", storable(reason, 1024))
                .bind("now", ts(clock.instant()))
                .bind("id", incidentId)
                .execute());
    }

    /**
     * Stores the drafted post-mortem and the task to publish it, once per incident: an incident
     * resolved again after a reopen keeps its first post-mortem.
     *
     * @return true if this call created it
     */
    public boolean draftPostmortem(long incidentId, PostmortemDraft draft) {
        boolean created = jdbi.inTransaction(h -> {
            Instant now = clock.instant();
            int inserted = h.createUpdate("""
                            INSERT INTO postmortem (incident_id, idempotency_label, title, description_adf,
                                description_md, follow_up_on, status, created_at, updated_at)
                            SELECT :incident, :label, :title, :adf, :md, :followUp, :status, :now, :now
                            WHERE NOT EXISTS (SELECT 1 FROM postmortem WHERE incident_id = :incident)""")
                    .bind("incident", incidentId)
                    .bind("label", draft.idempotencyLabel())
                    .bind("title", storable(draft.title(), 255))
                    .bind("adf", storable(draft.descriptionAdf()))
                    .bind("md", storable(draft.descriptionMarkdown()))
                    .bind("followUp", draft.followUpOn())
                    .bind("status", PostmortemStatus.DRAFTED.id())
                    .bind("now", ts(now))
                    .execute();
            if (inserted == 0) {
                return false;
            }
            long postmortemId = h.createQuery("SELECT id FROM postmortem WHERE incident_id = :incident")
                    .bind("incident", incidentId).mapTo(Long.class).one();
            outbox.enqueue(h, POSTMORTEM_PUBLISH, POSTMORTEM_PUBLISH + ":" + postmortemId, Long.toString(postmortemId));
            return true;
        });
        if (created) {
            drafted.increment();
        }
        return created;
    }

    public Optional<LoggedPostmortem> postmortem(long postmortemId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM postmortem WHERE id = :id")
                .bind("id", postmortemId)
                .map(IncidentLog::postmortemRow)
                .findOne());
    }

    public Optional<LoggedPostmortem> postmortemOfIncident(long incidentId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM postmortem WHERE incident_id = :id")
                .bind("id", incidentId)
                .map(IncidentLog::postmortemRow)
                .findOne());
    }

    /**
     * Records the post-mortem's Jira issue, and asks for a look for a second one once Jira's search
     * shows everything created until now.
     *
     * @param checkDuplicatesAt when that look is due
     */
    public void recordPublished(long postmortemId, String key, String url, Instant checkDuplicatesAt) {
        jdbi.useTransaction(h -> {
            h.createUpdate("""
                            UPDATE postmortem SET status = :status, jira_key = :key, location = :location,
                                last_error = NULL, create_unconfirmed_at = NULL, updated_at = :now WHERE id = :id""")
                    .bind("status", PostmortemStatus.PUBLISHED.id()).bind("key", key)
                    .bind("location", storable(url, 2048))
                    .bind("now", ts(clock.instant())).bind("id", postmortemId)
                    .execute();
            outbox.enqueue(h, POSTMORTEM_DUPLICATES, POSTMORTEM_DUPLICATES + ":" + postmortemId,
                    Long.toString(postmortemId), checkDuplicatesAt);
        });
        published.increment();
    }

    /** Records that the post-mortem was written as a file, in dry-run. */
    public void recordWritten(long postmortemId, String file) {
        jdbi.useHandle(h -> h.createUpdate("""
                        UPDATE postmortem SET status = :status, location = :location, last_error = NULL,
                            updated_at = :now WHERE id = :id""")
                .bind("status", PostmortemStatus.DRY_RUN.id()).bind("location", storable(file, 2048))
                .bind("now", ts(clock.instant())).bind("id", postmortemId)
                .execute());
        written.increment();
    }

    /** Points the post-mortem at another of its issues: the older of two, the newer being a duplicate. */
    public void recordJiraKey(long postmortemId, String key, String url) {
        jdbi.useHandle(h -> h.createUpdate(
                        "UPDATE postmortem SET jira_key = :key, location = :location, updated_at = :now WHERE id = :id")
                .bind("key", key).bind("location", storable(url, 2048))
                .bind("now", ts(clock.instant())).bind("id", postmortemId)
                .execute());
    }

    /**
     * Records, before it is sent, that a create of the post-mortem's issue is on its way. Until an
     * answer says otherwise, Jira may hold an issue the incident log does not know of.
     */
    public void recordCreateSent(long postmortemId) {
        setCreateUnconfirmedAt(postmortemId, clock.instant());
    }

    /** Jira answered the create and made no issue (it refused, or asked to wait). */
    public void recordCreateRefused(long postmortemId) {
        setCreateUnconfirmedAt(postmortemId, null);
    }

    private void setCreateUnconfirmedAt(long postmortemId, Instant at) {
        jdbi.useHandle(h -> h.createUpdate(
                        "UPDATE postmortem SET create_unconfirmed_at = :at, updated_at = :now WHERE id = :id")
                .bind("at", ts(at)).bind("now", ts(clock.instant())).bind("id", postmortemId)
                .execute());
    }

    /** Keeps why Jira refused the post-mortem, for the log row and whoever fixes the configuration. */
    public void recordRejected(long postmortemId, String error) {
        jdbi.useHandle(h -> h.createUpdate(
                        "UPDATE postmortem SET status = :status, last_error = :error, updated_at = :now WHERE id = :id")
                .bind("status", PostmortemStatus.REJECTED.id()).bind("error", storable(error, 4000))
                .bind("now", ts(clock.instant())).bind("id", postmortemId)
                .execute());
    }

    /**
     * The incident's id, created or updated from the facts as they were at {@code factsAt}. Ids never
     * change, so they are remembered; a remembered id that updates nothing (its insert was rolled
     * back) is forgotten and looked up.
     */
    private long applyFacts(Handle h, IncidentSnapshot s, Instant factsAt, Instant now) {
        String key = s.source().id() + ":" + s.externalId();
        Long known = incidentIds.get(key);
        if (known != null && updateFactsAsOf(h, known, s, factsAt, now) == 1) {
            return known;
        }
        incidentIds.remove(key);
        Optional<Long> existing = h.createQuery("SELECT id FROM incident WHERE source = :source AND external_id = :id")
                .bind("source", s.source().id()).bind("id", s.externalId())
                .mapTo(Long.class)
                .findOne();
        long id;
        if (existing.isPresent()) {
            id = existing.get();
            updateFactsAsOf(h, id, s, factsAt, now);
        } else {
            id = h.createUpdate("""
                            INSERT INTO incident (source, external_id, number, title, service_id, service_name, priority,
                                urgency, status, html_url, started_at, resolved_at, facts_at, created_at, updated_at)
                            VALUES (:source, :externalId, :number, :title, :serviceId, :serviceName, :priority,
                                :urgency, :status, :htmlUrl, :startedAt, :resolvedAt, :factsAt, :now, :now)""")
                    .bind("source", s.source().id()).bind("externalId", s.externalId())
                    .bindMap(snapshotColumns(s))
                    .bind("factsAt", ts(factsAt))
                    .bind("now", ts(now))
                    .executeAndReturnGeneratedKeys("id")
                    .mapTo(Long.class).one();
        }
        if (incidentIds.size() >= REMEMBERED_IDS) {
            incidentIds.clear();
        }
        incidentIds.put(key, id);
        return id;
    }

    /**
     * One statement, which decides in the database whether the snapshot is at least as new as the
     * stored facts (then its values win) or older (then it only fills what is still unknown), so that
     * replicas updating one incident at once cannot both decide on what they read before.
     *
     * @return rows updated: 0 when there is no such incident
     */
    private static int updateFactsAsOf(Handle h, long incidentId, IncidentSnapshot s, Instant factsAt, Instant now) {
        return h.createUpdate(FACTS_AS_OF)
                .bindMap(snapshotColumns(s))
                .bind("factsAt", ts(factsAt)).bind("now", ts(now)).bind("id", incidentId)
                .execute();
    }

    /** What the source's API says: the latest word on every field it carries. */
    private static void updateIncident(Handle h, long incidentId, IncidentSnapshot s, Instant now) {
        h.createUpdate(LATEST_FACTS)
                .bindMap(snapshotColumns(s))
                .bind("now", ts(now)).bind("id", incidentId)
                .execute();
    }

    /** Incident columns and the snapshot values they take, as bound by {@link #snapshotColumns}. */
    private static final List<Map.Entry<String, String>> FACT_COLUMNS = List.of(
            Map.entry("number", "number"), Map.entry("title", "title"), Map.entry("service_id", "serviceId"),
            Map.entry("service_name", "serviceName"), Map.entry("priority", "priority"),
            Map.entry("urgency", "urgency"), Map.entry("status", "status"), Map.entry("html_url", "htmlUrl"),
            Map.entry("started_at", "startedAt"), Map.entry("resolved_at", "resolvedAt"));

    private static final String NEWER = "(facts_at IS NULL OR facts_at <= :factsAt)";

    private static final String FACTS_AS_OF = "UPDATE incident SET " + FACT_COLUMNS.stream()
            .map(c -> c.getKey() + " = CASE WHEN " + NEWER + " THEN COALESCE(:" + c.getValue() + ", " + c.getKey()
                    + ") ELSE COALESCE(" + c.getKey() + ", :" + c.getValue() + ") END")
            .collect(Collectors.joining(", "))
            + ", facts_at = CASE WHEN " + NEWER + " THEN :factsAt ELSE facts_at END, updated_at = :now WHERE id = :id";

    private static final String LATEST_FACTS = "UPDATE incident SET " + FACT_COLUMNS.stream()
            .map(c -> c.getKey() + " = COALESCE(:" + c.getValue() + ", " + c.getKey() + ")")
            .collect(Collectors.joining(", "))
            + ", updated_at = :now WHERE id = :id";

    private static Map<String, Object> snapshotColumns(IncidentSnapshot s) {
        Map<String, Object> columns = new HashMap<>();
        columns.put("number", s.number());
        columns.put("title", storable(s.title(), 2048));
        columns.put("serviceId", storable(s.serviceId(), 64));
        columns.put("serviceName", storable(s.serviceName(), 512));
        columns.put("priority", storable(s.priority(), 64));
        columns.put("urgency", storable(s.urgency(), 16));
        columns.put("status", s.status() == null ? null : s.status().id());
        // a clipped URL would point somewhere else: drop one that does not fit
        columns.put("htmlUrl", s.htmlUrl() != null && s.htmlUrl().length() <= 2048 ? s.htmlUrl() : null);
        columns.put("startedAt", ts(s.startedAt()));
        columns.put("resolvedAt", ts(s.resolvedAt()));
        return columns;
    }

    private static void insertEventIfNew(Handle h, long incidentId, IncidentEvent e) {
        Actor actor = e.actor();
        Actor target = e.target();
        h.createUpdate("""
                        INSERT INTO incident_event (incident_id, event_key, origin, kind, occurred_at, actor_kind,
                            actor_id, actor_name, target_kind, target_id, target_name, detail)
                        SELECT :incident, :key, :origin, :kind, :at, :actorKind, :actorId, :actorName,
                            :targetKind, :targetId, :targetName, :detail
                        WHERE NOT EXISTS (SELECT 1 FROM incident_event WHERE incident_id = :incident AND event_key = :key)""")
                .bind("incident", incidentId)
                .bind("key", storable(e.key(), 256))
                .bind("origin", e.origin().name())
                .bind("kind", e.kind().name())
                .bind("at", ts(e.occurredAt()))
                .bind("actorKind", actor == null ? null : actor.kind().name())
                .bind("actorId", actor == null ? null : storable(actor.id(), 64))
                .bind("actorName", actor == null ? null : storable(actor.name(), 512))
                .bind("targetKind", target == null ? null : target.kind().name())
                .bind("targetId", target == null ? null : storable(target.id(), 64))
                .bind("targetName", target == null ? null : storable(target.name(), 512))
                .bind("detail", storable(e.detail()))
                .execute();
    }

    private static LoggedIncident incidentRow(ResultSet rs, StatementContext ctx) throws SQLException {
        long number = rs.getLong("number");
        IncidentSnapshot facts = new IncidentSnapshot(
                Source.fromId(rs.getString("source")),
                rs.getString("external_id"),
                rs.wasNull() ? null : number,
                rs.getString("title"),
                rs.getString("service_id"),
                rs.getString("service_name"),
                rs.getString("priority"),
                rs.getString("urgency"),
                IncidentStatus.parse(rs.getString("status")),
                rs.getString("html_url"),
                instant(rs, "started_at"),
                instant(rs, "resolved_at"));
        return new LoggedIncident(rs.getLong("id"), facts, rs.getString("review"), rs.getString("review_reason"));
    }

    private static IncidentEvent eventRow(ResultSet rs, StatementContext ctx) throws SQLException {
        return new IncidentEvent(
                rs.getString("event_key"),
                Origin.valueOf(rs.getString("origin")),
                EventKind.valueOf(rs.getString("kind")),
                instant(rs, "occurred_at"),
                actor(rs.getString("actor_kind"), rs.getString("actor_id"), rs.getString("actor_name")),
                actor(rs.getString("target_kind"), rs.getString("target_id"), rs.getString("target_name")),
                rs.getString("detail"));
    }

    private static LoggedPostmortem postmortemRow(ResultSet rs, StatementContext ctx) throws SQLException {
        return new LoggedPostmortem(
                rs.getLong("id"),
                rs.getLong("incident_id"),
                rs.getString("idempotency_label"),
                rs.getString("title"),
                rs.getString("description_adf"),
                rs.getString("description_md"),
                rs.getObject("follow_up_on", LocalDate.class),
                PostmortemStatus.fromId(rs.getString("status")),
                rs.getString("jira_key"),
                rs.getString("location"),
                rs.getString("last_error"),
                instant(rs, "create_unconfirmed_at"));
    }

    private static Actor actor(String kind, String id, String name) {
        return kind == null ? null : new Actor(Actor.Kind.valueOf(kind), id, name);
    }

    /** Rows of a queue table (inbox, outbox) pending, and stopped ('failed'), in one query. */
    static Backlog backlog(Jdbi jdbi, String table) {
        Map<String, Long> byStatus = jdbi.withHandle(h -> h.createQuery(
                        "SELECT status, COUNT(*) AS n FROM " + table + " WHERE status IN ('pending', 'failed') GROUP BY status")
                .reduceRows(new HashMap<String, Long>(), (counts, row) -> {
                    counts.put(row.getColumn("status", String.class), row.getColumn("n", Long.class));
                    return counts;
                }));
        return new Backlog(byStatus.getOrDefault("pending", 0L), byStatus.getOrDefault("failed", 0L));
    }

    static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    static OffsetDateTime ts(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    /**
     * Text as every supported database stores it: PostgreSQL refuses the NUL character, which a
     * hostile or broken sender can put anywhere, so it is dropped; longer text is cut to the column,
     * never between the halves of a surrogate pair.
     */
    static String storable(String value, int max) {
        if (value == null) {
            return null;
        }
        String text = value.indexOf('\u0000') < 0 ? value : value.replace("\u0000", "");
        if (text.length() <= max) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
        return text.substring(0, end);
    }

    /** For the columns without a length limit. */
    static String storable(String value) {
        return storable(value, Integer.MAX_VALUE);
    }
}
