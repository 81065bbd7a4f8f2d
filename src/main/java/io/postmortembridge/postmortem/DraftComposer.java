package io.postmortembridge.postmortem;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

import io.postmortembridge.incident.IncidentEvent;
import io.postmortembridge.incident.IncidentSnapshot;
import io.postmortembridge.postmortem.document.Block;
import io.postmortembridge.postmortem.document.BulletList;
import io.postmortembridge.postmortem.document.Document;
import io.postmortembridge.postmortem.document.Heading;
import io.postmortembridge.postmortem.document.Inline;
import io.postmortembridge.postmortem.document.Paragraph;
import io.postmortembridge.postmortem.document.Table;
import io.postmortembridge.timeline.Gaps;
import io.postmortembridge.timeline.Timeline;
import io.postmortembridge.timeline.TimelineEntry;

/**
 * Writes the blameless draft: what the tools know (summary, timeline, gaps) filled in, what only
 * the review meeting knows (root cause, contributing factors, actions) left as labelled blanks.
 */
public final class DraftComposer {

    /** Jira summaries hold at most 255 characters. */
    static final int MAX_TITLE = 255;
    /**
     * Jira refuses descriptions over 32 767 characters; the timeline is the part that grows, so it
     * gets a budget that leaves room for the rest of the template.
     */
    static final int TIMELINE_BUDGET = 20_000;
    /** One very long note must not crowd out the rest of the timeline. */
    static final int MAX_ENTRY = 600;
    /** What a row costs besides its text: the time and kind cells and the table's own markup. */
    static final int ROW_OVERHEAD = 60;

    private static final String TITLE_PREFIX = "Post-mortem: ";

    private final DraftSettings settings;
    private final DateTimeFormatter time;

    public DraftComposer(DraftSettings settings) {
        this.settings = settings;
        this.time = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(settings.zone());
    }

    public Draft compose(IncidentSnapshot incident, Timeline timeline, String reviewReason) {
        Instant resolved = incident.resolvedAt();
        LocalDate followUp = lastKnownTime(resolved, timeline).atZone(settings.zone()).toLocalDate()
                .plus(settings.followUpAfter());
        List<Block> blocks = new ArrayList<>();
        summary(blocks, incident, timeline, reviewReason);
        timelineSection(blocks, timeline);
        gapsSection(blocks, timeline.gaps(resolved));
        blanks(blocks);
        blocks.add(new Heading(2, "Follow-up"));
        blocks.add(Paragraph.of(Inline.text("Follow-up review on "), Inline.strong(followUp.toString()),
                Inline.text(": are the actions done, and did they work?")));
        blocks.add(new Heading(2, "Before closing this review"));
        blocks.add(new BulletList(List.of(
                Paragraph.text("What would have had to be true for this not to happen?"),
                Paragraph.text("Can someone other than its owner verify that each action is done?"),
                Paragraph.text("What else is fragile in the same way?"))));
        return new Draft(title(incident), new Document(blocks), followUp);
    }

    /**
     * The resolution, or, should the source never have said when, the last thing the timeline shows:
     * every logged incident came with at least one event (a known start alone puts a trigger row there).
     */
    private static Instant lastKnownTime(Instant resolved, Timeline timeline) {
        if (resolved != null) {
            return resolved;
        }
        List<IncidentEvent> events = timeline.events();
        if (events.isEmpty()) {
            throw new IllegalArgumentException("an incident with no resolution time and no event cannot be dated");
        }
        return events.get(events.size() - 1).occurredAt();
    }

    /** "Post-mortem: <title>", on one line, cut to what Jira accepts. */
    static String title(IncidentSnapshot incident) {
        String title = incident.title() == null ? incident.name() : incident.title();
        // every control character (C0, C1, DEL) and Unicode line or paragraph separator: a summary is one line
        String oneLine = (TITLE_PREFIX + title).replaceAll("[\\p{Cc}\\p{Zl}\\p{Zp}]+", " ").strip();
        return cut(oneLine, MAX_TITLE);
    }

    private void summary(List<Block> blocks, IncidentSnapshot incident, Timeline timeline, String reviewReason) {
        Instant started = timeline.trigger();
        Instant resolved = incident.resolvedAt();
        Duration open = started == null || resolved == null || resolved.isBefore(started) ? null
                : Duration.between(started, resolved);
        String incidentName = incident.source().displayName() + " incident "
                + (incident.number() == null ? incident.externalId() : "#" + incident.number());
        blocks.add(new Heading(2, "Summary"));
        blocks.add(new BulletList(List.of(
                fact("Service", orUnknown(incident.serviceName())),
                fact("Priority / urgency", (incident.priority() == null ? "none" : incident.priority()) + " / "
                        + orUnknown(incident.urgency())),
                fact("Started", started == null ? "unknown" : at(started)),
                fact("Resolved", resolved == null ? "unknown" : at(resolved)),
                fact("Duration", open == null ? "unknown" : words(open)),
                Paragraph.of(Inline.strong("Incident: "), incident.htmlUrl() == null ? Inline.text(incidentName)
                        : Inline.link(incidentName, incident.htmlUrl())),
                fact("Why a review", reviewReason))));
        blocks.add(Paragraph.text("What happened, in two or three sentences, for someone who was not there:"));
        blocks.add(Paragraph.empty());
    }

    private void timelineSection(List<Block> blocks, Timeline timeline) {
        blocks.add(new Heading(2, "Timeline"));
        List<TimelineEntry> entries = timeline.entries(settings.showNames());
        if (entries.isEmpty()) {
            blocks.add(Paragraph.text("Nothing was recorded for this incident."));
            return;
        }
        blocks.add(Paragraph.text("Oldest first. Events are what happened to the incident; signals are what the "
                + "tooling sent. " + (settings.showNames() ? "" : "Responders are named by their role.")));
        List<List<Paragraph>> rows = new ArrayList<>();
        for (TimelineEntry entry : withinBudget(entries)) {
            rows.add(List.of(
                    Paragraph.text(entry.at() == null ? "" : at(entry.at())),
                    Paragraph.text(cut(entry.what(), MAX_ENTRY)),
                    Paragraph.text(entry.at() == null ? "" : entry.signal() ? "signal" : "event")));
        }
        blocks.add(new Table(List.of("Time (" + settings.zone().getId() + ")", "What happened", "Kind"), rows));
    }

    /**
     * Keeps the start and the end of a timeline that would not fit, and says how much was left out:
     * the first and last minutes are what reviews read most.
     */
    private static List<TimelineEntry> withinBudget(List<TimelineEntry> entries) {
        int total = entries.stream().mapToInt(DraftComposer::cost).sum();
        if (total <= TIMELINE_BUDGET) {
            return entries;
        }
        int head = 0;
        int used = 0;
        while (used + cost(entries.get(head)) <= TIMELINE_BUDGET / 2) {
            used += cost(entries.get(head));
            head++;
        }
        int tail = entries.size();
        used = 0;
        while (tail > head && used + cost(entries.get(tail - 1)) <= TIMELINE_BUDGET / 2) {
            tail--;
            used += cost(entries.get(tail));
        }
        List<TimelineEntry> kept = new ArrayList<>(entries.subList(0, head));
        kept.add(new TimelineEntry(null, (tail - head) + " entries left out to fit Jira's size limit; "
                + "the incident's own log has them all.", false));
        kept.addAll(entries.subList(tail, entries.size()));
        return kept;
    }

    private static int cost(TimelineEntry entry) {
        return Math.min(entry.what().length(), MAX_ENTRY) + ROW_OVERHEAD;
    }

    private static void gapsSection(List<Block> blocks, Gaps gaps) {
        blocks.add(new Heading(2, "Gaps"));
        String change = gaps.changeToTrigger() == null ? "no change or deploy recorded shortly before"
                : words(gaps.changeToTrigger()) + (gaps.lastChange() == null ? "" : " (" + cut(gaps.lastChange(), 200) + ")");
        blocks.add(new Table(List.of("Between", "Time"), List.of(
                List.of(Paragraph.text("Last change → trigger"), Paragraph.text(change)),
                List.of(Paragraph.text("Trigger → first acknowledgement"), Paragraph.text(
                        gaps.triggerToAcknowledge() == null ? "not acknowledged" : words(gaps.triggerToAcknowledge()))),
                List.of(Paragraph.text("Trigger → resolved"), Paragraph.text(
                        gaps.triggerToResolve() == null ? "unknown" : words(gaps.triggerToResolve()))))));
    }

    private static void blanks(List<Block> blocks) {
        blocks.add(new Heading(2, "Root cause"));
        blocks.add(Paragraph.text("The structural cause: which condition of the system made this possible? "
                + "Name conditions, not people."));
        blocks.add(Paragraph.empty());
        blocks.add(new Heading(2, "Contributing factors"));
        blocks.add(Paragraph.text("What made it worse, longer or harder to see?"));
        blocks.add(Paragraph.empty());
        blocks.add(new Heading(2, "Actions"));
        blocks.add(Paragraph.text("A few concrete actions, each with a named owner and a real due date. "
                + "Mark the post-mortem agreed when this table is final."));
        blocks.add(new Table(List.of("Action", "Owner", "Due"),
                List.of(List.of(Paragraph.empty(), Paragraph.empty(), Paragraph.empty()))));
    }

    private static Paragraph fact(String label, String value) {
        return Paragraph.of(Inline.strong(label + ": "), Inline.text(value));
    }

    private String at(Instant instant) {
        return time.format(instant);
    }

    private static String orUnknown(String value) {
        return value == null ? "unknown" : value;
    }

    /** "45 s", "12 min", "1 h 05 min", "2 d 3 h". */
    static String words(Duration d) {
        long seconds = d.toSeconds();
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return (seconds / 60) + " min";
        }
        if (seconds < 86_400) {
            return (seconds / 3600) + " h " + String.format("%02d", (seconds % 3600) / 60) + " min";
        }
        return (seconds / 86_400) + " d " + ((seconds % 86_400) / 3600) + " h";
    }

    /** Cuts to at most {@code max} characters without splitting a surrogate pair, marking the cut. */
    public static String cut(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int end = max - 1;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + "…";
    }
}
