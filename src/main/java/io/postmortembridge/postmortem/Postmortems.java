package io.postmortembridge.postmortem;

import java.time.Duration;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.postmortembridge.failure.PermanentFailure;
import io.postmortembridge.incident.IncidentSnapshot;
import io.postmortembridge.incidentlog.IncidentLog;
import io.postmortembridge.incidentlog.LoggedIncident;
import io.postmortembridge.incidentlog.PostmortemDraft;
import io.postmortembridge.postmortem.document.AdfRenderer;
import io.postmortembridge.postmortem.document.MarkdownRenderer;
import io.postmortembridge.timeline.Timeline;

/**
 * What the {@code postmortem-draft} route calls: the facts its review rule decides on, then either
 * the draft or the "no review needed" record.
 */
public final class Postmortems {

    private static final Logger LOG = LoggerFactory.getLogger(Postmortems.class);
    private static final Pattern NOT_LABEL_SAFE = Pattern.compile("[^A-Za-z0-9_-]");

    private final IncidentLog incidentLog;
    private final DraftComposer composer;
    private final DraftSettings settings;

    public Postmortems(IncidentLog incidentLog, DraftSettings settings) {
        this.incidentLog = incidentLog;
        this.composer = new DraftComposer(settings);
        this.settings = settings;
    }

    /** The review facts of a logged incident; the body the route's rule reads. */
    public ReviewCandidate candidate(long incidentId) {
        LoggedIncident incident = incident(incidentId);
        IncidentSnapshot facts = incident.facts();
        Timeline timeline = timelineOf(incident);
        Long openMinutes = timeline.trigger() == null || facts.resolvedAt() == null ? null
                : Math.max(0, Duration.between(timeline.trigger(), facts.resolvedAt()).toMinutes());
        return new ReviewCandidate(incident.id(), facts.name(), facts.title(), facts.priority(), facts.urgency(),
                openMinutes, timeline.escalations());
    }

    /**
     * Acts on the review rule's decision: with a reason, the post-mortem is drafted and stored with
     * the task to publish it, once per incident; without one, the incident is logged as needing no
     * review, with the facts that decided it.
     *
     * @param reason why the rule that matched asks for a review, in words; null when none matched
     */
    public void decide(ReviewCandidate candidate, String reason) {
        if (reason == null || reason.isBlank()) {
            noReviewNeeded(candidate);
        } else {
            draft(candidate, reason);
        }
    }

    private void draft(ReviewCandidate candidate, String reason) {
        LoggedIncident incident = incident(candidate.incidentId());
        incidentLog.recordReview(incident.id(), true, reason);
        if (incidentLog.postmortemOfIncident(incident.id()).isPresent()) {
            LOG.info("{} resolved again: its post-mortem was already drafted, nothing new is created", candidate.name());
            return;
        }
        Draft draft = composer.compose(incident.facts(), timelineOf(incident), reason);
        PostmortemDraft stored = new PostmortemDraft(
                idempotencyLabel(incident.facts()),
                draft.title(),
                AdfRenderer.render(draft.body()).toString(),
                MarkdownRenderer.render(draft.body()),
                draft.followUpOn());
        if (incidentLog.draftPostmortem(incident.id(), stored)) {
            LOG.info("Post-mortem drafted for {} ({}): review needed because {}", candidate.name(),
                    candidate.title(), reason);
        }
    }

    private void noReviewNeeded(ReviewCandidate candidate) {
        String reason = "no review rule matched: " + candidate.factsInWords();
        incidentLog.recordReview(candidate.incidentId(), false, reason);
        LOG.info("No review needed for {} ({}): {}", candidate.name(), candidate.title(), reason);
    }

    /**
     * The Jira label that finds the issue already created for an incident, even when the database
     * lost track of it. Stable for the incident, and safe as a label and inside JQL.
     */
    static String idempotencyLabel(IncidentSnapshot incident) {
        return "postmortem-bridge-" + incident.source().id() + "-"
                + NOT_LABEL_SAFE.matcher(incident.externalId()).replaceAll("_");
    }

    private Timeline timelineOf(LoggedIncident incident) {
        return Timeline.of(incidentLog.events(incident.id()), incident.facts().startedAt(), settings.changeWindow());
    }

    private LoggedIncident incident(long incidentId) {
        return incidentLog.incident(incidentId)
                .orElseThrow(() -> new PermanentFailure("incident " + incidentId + " is not in the incident log"));
    }
}
