package io.postmortembridge.jira;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.postmortembridge.action.ActionReview;
import io.postmortembridge.action.ActionRow;
import io.postmortembridge.action.ActionSettings;
import io.postmortembridge.action.AgreedPostmortem;
import io.postmortembridge.action.AgreedPostmortemReader;
import io.postmortembridge.action.Finding;
import io.postmortembridge.action.MalformedPostmortemException;
import io.postmortembridge.action.PushReport;
import io.postmortembridge.action.Team;
import io.postmortembridge.action.Teams;
import io.postmortembridge.failure.PermanentFailure;
import io.postmortembridge.failure.TransientFailure;
import io.postmortembridge.http.VendorHttp;
import io.postmortembridge.http.VendorReply;
import io.postmortembridge.incidentlog.ActionLog;
import io.postmortembridge.incidentlog.IncidentLog;
import io.postmortembridge.incidentlog.LoggedAction;
import io.postmortembridge.incidentlog.LoggedIncident;
import io.postmortembridge.postmortem.document.AdfRenderer;
import io.postmortembridge.postmortem.document.Block;
import io.postmortembridge.postmortem.document.BulletList;
import io.postmortembridge.postmortem.document.Document;
import io.postmortembridge.postmortem.document.Heading;
import io.postmortembridge.postmortem.document.Inline;
import io.postmortembridge.postmortem.document.Paragraph;

/**
 * Pushes an incident's agreed actions into Jira: reads them (from the post-mortem issue over REST v3,
 * or as sent over the API), reviews them, and makes each valid row an issue in its team's sprint,
 * linked to the post-mortem issue; then says on the post-mortem issue what it did, once per outcome.
 *
 * <p>Exactly once per action: an action is a row of the incident log keyed by its normalised text,
 * and carries an idempotency label in Jira. Before creating, the labels are searched, so an issue
 * whose create answer was lost is adopted; after a create that got no answer, that search waits
 * {@code jira.search-settle}, because Jira's search is not read-after-write consistent. One push per
 * incident runs at a time, across replicas.
 *
 * <p>Jira calls per push do not grow with the number of actions (bulk create, one move per sprint,
 * one label search), apart from owner look-ups by name.
 */
public final class JiraActionPush {

    private static final Logger LOG = LoggerFactory.getLogger(JiraActionPush.class);
    private static final Duration BUSY_RETRY = Duration.ofSeconds(5);

    private final VendorHttp jira;
    private final JiraSettings jiraSettings;
    private final ActionSettings settings;
    private final Teams teams;
    private final JiraUsers users;
    private final JiraSprints sprints;
    private final JiraRequests requests;
    private final JiraActionRequests actionRequests;
    private final ActionReview review;
    private final IncidentLog incidentLog;
    private final ActionLog actionLog;
    private final ObjectMapper json;
    private final Clock clock;

    public JiraActionPush(VendorHttp jira, JiraSettings jiraSettings, ActionSettings settings, Teams teams,
            JiraSprints sprints, IncidentLog incidentLog, ActionLog actionLog, ObjectMapper json, Clock clock) {
        this.jira = jira;
        this.jiraSettings = jiraSettings;
        this.settings = settings;
        this.teams = teams;
        this.users = new JiraUsers(jira, json);
        this.sprints = sprints;
        this.requests = new JiraRequests(jiraSettings, json);
        this.actionRequests = new JiraActionRequests(json);
        this.review = new ActionReview(settings.rules());
        this.incidentLog = incidentLog;
        this.actionLog = actionLog;
        this.json = json;
        this.clock = clock;
    }

    /** Runs one push request from the outbox: {@code issue:<key>} or {@code api:<incident id>}. */
    public void push(String payload) {
        ActionLog.PushRequest request = ActionLog.PushRequest.parse(payload);
        if (request.issueKey() != null) {
            pushIssue(request.issueKey());
        } else {
            pushSubmitted(request.incidentId());
        }
    }

    private void pushIssue(String key) {
        Optional<Long> incidentId = actionLog.incidentOfPostmortemIssue(key);
        if (incidentId.isEmpty()) {
            LOG.info("{} carries {} but is not a post-mortem issue this service made: left alone", key,
                    settings.agreedLabel());
            return;
        }
        JiraActionRequests.IssueRead issue = read(key);
        if (issue.labels().stream().noneMatch(settings.agreedLabel()::equalsIgnoreCase)) {
            LOG.info("{} no longer carries {}: its actions are not pushed", key, settings.agreedLabel());
            return;
        }
        AgreedPostmortem postmortem;
        try {
            postmortem = AgreedPostmortemReader.fromAdf(issue.description());
        } catch (MalformedPostmortemException e) {
            holdingLease(incidentId.get(), () -> report(incidentId.get(), key, problemDocument(e.getMessage())));
            LOG.warn("The actions of post-mortem {} cannot be read: {}", key, e.getMessage());
            return;
        }
        holdingLease(incidentId.get(), () -> pushAgreed(incidentId.get(), key, postmortem));
    }

    private void pushSubmitted(long incidentId) {
        String submitted = actionLog.agreedJson(incidentId).orElse(null);
        if (submitted == null) {
            return;
        }
        AgreedPostmortem postmortem;
        try {
            postmortem = AgreedPostmortemReader.fromJson(json.readTree(submitted));
        } catch (IOException | MalformedPostmortemException e) {
            throw new PermanentFailure("the actions stored for incident " + incidentId + " cannot be read: " + e.getMessage());
        }
        String postmortemKey = incidentLog.postmortemOfIncident(incidentId).map(p -> p.jiraKey()).orElse(null);
        holdingLease(incidentId, () -> pushAgreed(incidentId, postmortemKey, postmortem));
    }

    private void holdingLease(long incidentId, Runnable push) {
        if (!actionLog.acquirePush(incidentId, settings.pushLease())) {
            throw new TransientFailure("another replica is pushing the actions of incident " + incidentId, BUSY_RETRY);
        }
        try {
            push.run();
        } finally {
            actionLog.releasePush(incidentId);
        }
    }

    /** @param postmortemKey the post-mortem issue, or null when there is none (actions sent over the API) */
    private void pushAgreed(long incidentId, String postmortemKey, AgreedPostmortem postmortem) {
        LoggedIncident incident = incidentLog.incident(incidentId)
                .orElseThrow(() -> new PermanentFailure("incident " + incidentId + " is not in the incident log"));
        actionLog.recordAgreement(incidentId, postmortem.rootCause(), postmortem.contributingFactors());
        LocalDate today = LocalDate.now(clock.withZone(settings.zone()));
        List<Finding> findings = review.review(postmortem, teams.names(), today);
        Map<String, LoggedAction> known = actionLog.actions(incidentId).stream()
                .collect(Collectors.toMap(LoggedAction::actionKey, Function.identity()));
        Team owningTeam = teams.ownerOf(incident.facts().serviceId(), incident.facts().serviceName());

        List<String> current = new ArrayList<>();
        JiraUsers.Batch owners = users.batch();
        for (ActionRow row : postmortem.rows()) {
            String text = row.action().strip();
            String actionKey = actionKey(text);
            current.add(actionKey);
            LoggedAction before = known.get(actionKey);
            // an error on the table as a whole (too many actions) keeps every row out until it is fixed
            List<String> errors = findings.stream()
                    .filter(f -> f.isError() && (f.row() == null || f.row() == row.row()))
                    .map(Finding::message).collect(Collectors.toCollection(ArrayList::new));
            Team team = row.team() == null ? owningTeam : teams.named(row.team()).orElse(owningTeam);
            OwnerLookup owner = errors.isEmpty() && (before == null || !before.isCreated()) ? owners.resolve(row.owner()) : null;
            String ownerId = null;
            String ownerName = ownerText(row.owner());
            if (owner instanceof OwnerLookup.Found found) {
                ownerId = found.accountId();
                ownerName = found.displayName();
            } else if (owner != null) {
                owner.finding(row.row(), ownerName).map(Finding::message).ifPresent(errors::add);
            }
            LocalDate due = row.due() instanceof ActionRow.Due.On on ? on.date() : null;
            actionLog.upsert(incidentId, actionKey, label(incident, actionKey), row.row(), text, ownerId, ownerName,
                    due, team.name(), team.project(), errors.isEmpty() ? LoggedAction.PENDING : LoggedAction.REFUSED,
                    errors.isEmpty() ? null : String.join(" ", errors));
        }
        actionLog.forgetUnpushedExcept(incidentId, current);

        List<LoggedAction> actions = actionLog.actions(incidentId);
        List<LoggedAction> pending = actions.stream()
                .filter(a -> LoggedAction.PENDING.equals(a.status()) && current.contains(a.actionKey())).toList();
        if (!pending.isEmpty()) {
            create(incident, postmortemKey, postmortem, pending);
        }
        moveIntoSprints(actionLog.actions(incidentId));
        if (postmortemKey != null) {
            report(incidentId, postmortemKey, reportOf(actionLog.actions(incidentId), findings, current).document());
        }
    }

    /** Adopts the issues an earlier attempt made, then creates the rest, in bulk. */
    private void create(LoggedIncident incident, String postmortemKey, AgreedPostmortem postmortem,
            List<LoggedAction> pending) {
        Instant now = clock.instant();
        for (LoggedAction action : pending) {
            if (action.createSentAt() != null) {
                Instant searchable = action.createSentAt().plus(jiraSettings.searchSettle());
                if (searchable.isAfter(now)) {
                    throw new TransientFailure("an earlier create of the actions of " + incident.facts().name()
                            + " got no answer; Jira's search may not show those issues yet, so the next search waits "
                            + "until " + searchable + " (jira.search-settle)", Duration.between(now, searchable));
                }
            }
        }
        Map<String, String> existing = existingByLabel(pending.stream().map(LoggedAction::idempotencyLabel).toList());
        List<LoggedAction> toCreate = new ArrayList<>();
        Map<String, SprintChoice> choices = new LinkedHashMap<>();
        for (LoggedAction action : pending) {
            Team team = teams.named(action.team()).orElseThrow();
            SprintChoice choice = choices.computeIfAbsent(team.name(),
                    name -> sprints.choose(team, settings.sprint()));
            String found = existing.get(action.idempotencyLabel());
            if (found != null) {
                actionLog.recordCreated(action.id(), found, choice.sprintId(), sprintText(choice));
                LOG.info("Action '{}' of {} already existed as {} (an earlier answer was lost): adopted it",
                        action.text(), incident.facts().name(), found);
            } else {
                toCreate.add(action);
            }
        }
        for (int from = 0; from < toCreate.size(); from += JiraActionRequests.BULK_LIMIT) {
            List<LoggedAction> chunk = toCreate.subList(from, Math.min(toCreate.size(), from + JiraActionRequests.BULK_LIMIT));
            List<JiraActionRequests.NewActionIssue> issues = new ArrayList<>();
            for (LoggedAction action : chunk) {
                Team team = teams.named(action.team()).orElseThrow();
                issues.add(new JiraActionRequests.NewActionIssue(team.project(), team.issueType(),
                        action.text(), description(incident, postmortemKey, postmortem, action),
                        action.ownerAccountId(), action.due(), priority(incident), settings.labelsWith(action.idempotencyLabel()),
                        postmortemKey, team.fields()));
            }
            List<Long> ids = chunk.stream().map(LoggedAction::id).toList();
            actionLog.recordCreateSent(ids);
            VendorReply reply = jira.send(actionRequests.bulkCreate(issues));
            if (reply.status() == 429 || reply.status() >= 400 && reply.status() < 500) {
                // Jira answered, and made none of them: the next attempt need not wait for its search
                actionLog.recordCreateAnswered(ids);
            }
            BulkCreateOutcome outcome = actionRequests.bulkCreateOutcome(reply, chunk.size(),
                    "create the actions of " + incident.facts().name());
            for (int i = 0; i < chunk.size(); i++) {
                LoggedAction action = chunk.get(i);
                BulkCreateOutcome.Result element = outcome.get(i);
                if (element instanceof BulkCreateOutcome.Created created) {
                    Team team = teams.named(action.team()).orElseThrow();
                    SprintChoice choice = choices.get(team.name());
                    actionLog.recordCreated(action.id(), created.key(), choice.sprintId(), sprintText(choice));
                    LOG.info("Action '{}' of {} is Jira issue {}", action.text(), incident.facts().name(), created.key());
                } else if (element instanceof BulkCreateOutcome.Refused refused) {
                    String reason = refusal(refused, teams.named(action.team()).orElseThrow());
                    actionLog.recordRefused(action.id(), reason);
                    LOG.warn("Jira refused action '{}' of {}: {}", action.text(), incident.facts().name(), reason);
                }
            }
        }
    }

    /** What Jira objected to, and which setting or cell to change. */
    private static String refusal(BulkCreateOutcome.Refused refused, Team team) {
        List<String> parts = new ArrayList<>(refused.messages());
        refused.fieldErrors().forEach((field, message) -> parts.add(switch (field) {
            case "assignee" -> "Jira will not assign it to this owner (" + message + "): the owner needs permission "
                    + "to be assigned issues in project " + team.project() + ", or name another owner";
            case "duedate" -> "Jira refused the due date (" + message + ")";
            case "priority" -> "Jira refused the priority (" + message + "): check actions.priority-map";
            case "issuetype" -> "issue type " + team.issueType() + " does not exist in project " + team.project()
                    + " (" + message + "): set issueType for team " + team.name() + " in config/teams.yaml";
            default -> "project " + team.project() + " requires field '" + field + "' (" + message + "): give it a "
                    + "value under fields: for team " + team.name() + " in config/teams.yaml";
        }));
        return "Jira refused to create the issue (HTTP " + refused.status() + "): " + String.join("; ", parts) + ".";
    }

    /** The oldest issue carrying each label, should an earlier attempt have made it. */
    private Map<String, String> existingByLabel(List<String> labels) {
        List<JiraActionRequests.FoundIssue> found = new ArrayList<>();
        String token = null;
        do {
            VendorReply reply = jira.send(actionRequests.searchByLabels(null, labels, token));
            requireSuccess(reply, "search for actions created before");
            JiraActionRequests.LabelSearchPage page = actionRequests.parseLabelSearch(reply.body());
            found.addAll(page.issues());
            token = page.isLast() ? null : page.nextPageToken();
        } while (token != null);
        Map<String, String> oldest = new LinkedHashMap<>();
        JiraActionRequests.keysByLabel(labels, found).forEach((label, keys) -> {
            if (!keys.isEmpty()) {
                oldest.put(label, keys.get(0));
            }
        });
        return oldest;
    }

    private JiraActionRequests.IssueRead read(String key) {
        VendorReply reply = jira.send(actionRequests.readIssue(key));
        requireSuccess(reply, "read post-mortem issue " + key);
        try {
            return actionRequests.parseIssue(reply.body());
        } catch (IllegalArgumentException e) {
            throw new TransientFailure("Jira's answer to the read of " + key + " is not an issue: " + e.getMessage(), null);
        }
    }

    private void moveIntoSprints(List<LoggedAction> actions) {
        Map<Long, List<LoggedAction>> bySprint = actions.stream()
                .filter(a -> a.isCreated() && a.sprintId() != null && !a.inSprint())
                .collect(Collectors.groupingBy(LoggedAction::sprintId, LinkedHashMap::new, Collectors.toList()));
        bySprint.forEach((sprint, moving) -> {
            sprints.moveToSprint(sprint, moving.stream().map(LoggedAction::jiraKey).toList());
            actionLog.recordInSprint(moving.stream().map(LoggedAction::id).toList());
        });
    }

    private PushReport reportOf(List<LoggedAction> actions, List<Finding> findings, List<String> current) {
        List<PushReport.Pushed> pushed = new ArrayList<>();
        List<PushReport.Refused> refused = new ArrayList<>();
        for (LoggedAction a : actions) {
            if (!current.contains(a.actionKey()) && !a.isCreated()) {
                continue;
            }
            if (a.isCreated()) {
                pushed.add(new PushReport.Pushed(a.row(), a.jiraKey(), jiraSettings.baseUrl() + "/browse/" + a.jiraKey(),
                        a.text(), a.ownerName(), a.due(), a.sprintName()));
            } else if (LoggedAction.REFUSED.equals(a.status())) {
                refused.add(new PushReport.Refused(a.row(), a.text(), List.of(a.refusal())));
            }
        }
        List<Finding> warnings = findings.stream().filter(f -> !f.isError()).toList();
        return new PushReport(pushed, refused, warnings);
    }

    /** Comments on the post-mortem issue, unless the last comment said the same. */
    private void report(long incidentId, String postmortemKey, Document document) {
        ObjectNode adf = AdfRenderer.render(document);
        String hash = sha256(adf.toString());
        if (actionLog.outcomeHash(incidentId).map(hash::equals).orElse(false)) {
            return;
        }
        requireSuccess(jira.send(requests.comment(postmortemKey, adf)), "comment on post-mortem issue " + postmortemKey);
        actionLog.recordOutcomeHash(incidentId, hash);
    }

    private static Document problemDocument(String problem) {
        List<Block> blocks = List.of(new Heading(3, "The actions could not be read"),
                Paragraph.text(problem),
                Paragraph.text("Nothing was pushed. Fix the description and save the issue; it is read again."));
        return new Document(blocks);
    }

    private ObjectNode description(LoggedIncident incident, String postmortemKey, AgreedPostmortem postmortem,
            LoggedAction action) {
        List<Block> blocks = new ArrayList<>();
        List<Paragraph> facts = new ArrayList<>();
        if (postmortemKey != null) {
            facts.add(Paragraph.of(Inline.strong("Post-mortem: "),
                    Inline.link(postmortemKey, jiraSettings.baseUrl() + "/browse/" + postmortemKey)));
        }
        String incidentName = incident.facts().name();
        facts.add(Paragraph.of(Inline.strong("Incident: "), incident.facts().htmlUrl() == null
                ? Inline.text(incidentName) : Inline.link(incidentName, incident.facts().htmlUrl())));
        facts.add(Paragraph.of(Inline.strong("Owner: "), Inline.text(action.ownerName() == null ? "" : action.ownerName())));
        facts.add(Paragraph.of(Inline.strong("Due: "), Inline.text(String.valueOf(action.due()))));
        blocks.add(new BulletList(facts));
        if (!postmortem.rootCause().isBlank()) {
            blocks.add(new Heading(3, "Root cause, as the review agreed it"));
            postmortem.rootCause().lines().forEach(line -> blocks.add(Paragraph.text(line)));
        }
        blocks.add(Paragraph.text("Created from the post-mortem's agreed actions; done means the change is in place "
                + "and someone other than its owner could verify it."));
        return AdfRenderer.render(new Document(blocks));
    }

    private String priority(LoggedIncident incident) {
        String incidentPriority = incident.facts().priority();
        return incidentPriority == null ? null : settings.priorities().get(incidentPriority);
    }

    /** Throws what a failed reply means: try again later, or stop until someone fixes the setting named. */
    private void requireSuccess(VendorReply reply, String action) {
        if (reply.isTransientFailure()) {
            throw reply.transientFailure("Jira (" + action + ")");
        }
        if (!reply.isSuccess()) {
            throw new PermanentFailure(JiraErrors.explain(action, reply.status(), reply.body(), jiraSettings, json));
        }
    }

    private static String sprintText(SprintChoice choice) {
        return choice.isBacklog() ? "backlog: " + choice.reason() : choice.sprintName();
    }

    private static String ownerText(ActionRow.Owner owner) {
        if (owner instanceof ActionRow.Owner.Mention mention) {
            return mention.text();
        }
        if (owner instanceof ActionRow.Owner.Several several) {
            return String.join(", ", several.names());
        }
        return owner instanceof ActionRow.Owner.Written written ? written.text() : null;
    }

    /** The action's identity within its incident: the hash of its normalised text. */
    static String actionKey(String text) {
        return sha256(ActionReview.normalised(text)).substring(0, 32);
    }

    /** A label per action, unique across incidents, that Jira accepts (no spaces, at most 255). */
    private static String label(LoggedIncident incident, String actionKey) {
        return "postmortem-bridge-action-" + incident.facts().source().id() + "-" + actionKey.substring(0, 16) + "-"
                + sha256(incident.facts().externalId()).substring(0, 8);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
