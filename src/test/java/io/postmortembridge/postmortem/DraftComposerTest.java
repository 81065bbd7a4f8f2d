package io.postmortembridge.postmortem;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.postmortembridge.incident.Actor;
import io.postmortembridge.incident.EventKind;
import io.postmortembridge.incident.IncidentEvent;
import io.postmortembridge.incident.IncidentSnapshot;
import io.postmortembridge.incident.IncidentStatus;
import io.postmortembridge.incident.Origin;
import io.postmortembridge.incident.Source;
import io.postmortembridge.incident.pagerduty.PagerDutyWebhookParser;
import io.postmortembridge.postmortem.document.AdfRenderer;
import io.postmortembridge.postmortem.document.Block;
import io.postmortembridge.postmortem.document.BulletList;
import io.postmortembridge.postmortem.document.Heading;
import io.postmortembridge.postmortem.document.MarkdownRenderer;
import io.postmortembridge.postmortem.document.Table;
import io.postmortembridge.testsupport.Refdata;
import io.postmortembridge.timeline.Timeline;

/** Drafts of incident Q3B15VLMF3ASBD as recorded in refdata/webhook-samples/pagerduty-v3/zulip. */
class DraftComposerTest {

    private static final String ZULIP = "webhook-samples/pagerduty-v3/zulip/";
    private static final Duration HOUR = Duration.ofHours(1);
    private static final Instant RESOLVED = Instant.parse("2026-04-01T03:00:00Z");
    /** Jira refuses longer descriptions. */
    private static final int JIRA_TEXT_LIMIT = 32_767;

    private static final Actor EARLINE = new Actor(Actor.Kind.PERSON, "PXPGF42", "Earline Greenholt");
    private static final Actor LEE = new Actor(Actor.Kind.PERSON, "PL7A2O4", "Lee Turner");
    private static final Actor MAIL_SERVICE = new Actor(Actor.Kind.SERVICE, "PIJ90N7", "My Mail Service");

    private final PagerDutyWebhookParser parser = new PagerDutyWebhookParser(new ObjectMapper());

    private static DraftSettings settings(String zone, boolean showNames) {
        return new DraftSettings(Period.ofDays(14), ZoneId.of(zone), showNames, HOUR);
    }

    private static final DraftComposer UTC = new DraftComposer(settings("UTC", false));

    /** The priority_updated recording's incident (P2, high, Default Service, #5), resolved at 03:00 UTC. */
    private IncidentSnapshot checkout() {
        IncidentSnapshot s = parser.read(Refdata.bytes(ZULIP + "priority_updated_v3.json")).incident();
        return new IncidentSnapshot(s.source(), s.externalId(), s.number(), s.title(), s.serviceId(), s.serviceName(),
                s.priority(), s.urgency(), IncidentStatus.RESOLVED, s.htmlUrl(), s.startedAt(), RESOLVED);
    }

    private List<IncidentEvent> checkoutEvents() {
        List<IncidentEvent> events = new ArrayList<>();
        for (String file : List.of("escalate_v3.json", "delegated_v3.json", "priority_updated_v3.json",
                "status_updated_v3.json", "annotated_v3.json")) {
            events.add(parser.read(Refdata.bytes(ZULIP + file)).event());
        }
        return events;
    }

    private Draft checkoutDraft(DraftComposer composer) {
        IncidentSnapshot incident = checkout();
        return composer.compose(incident, Timeline.of(checkoutEvents(), incident.startedAt(), HOUR), "priority P1");
    }

    // --- title -----------------------------------------------------------------------------------

    @Test
    void titleIsPostMortemColonIncidentTitle() {
        assertThat(checkoutDraft(UTC).title()).isEqualTo("Post-mortem: Critical: Checkout API High Latency");
    }

    @Test
    void incidentWithoutTitleIsNamedBySourceAndId() {
        IncidentSnapshot untitled = IncidentSnapshot.reference(Source.PAGERDUTY, "PCPZE64", null, null);

        assertThat(DraftComposer.title(untitled)).isEqualTo("Post-mortem: PagerDuty incident PCPZE64");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Checkout\nAPI down", "Checkout\r\nAPI down", "Checkout\tAPI down", "Checkout\u0000API down",
            "Checkout\u001b[31mAPI down", "Checkout\u007fAPI down", "Checkout\n\n\t\rAPI down"})
    void controlCharactersInTitlesBecomeOneSpace(String title) {
        String expected = title.contains("\u001b") ? "Post-mortem: Checkout [31mAPI down" : "Post-mortem: Checkout API down";

        assertThat(DraftComposer.title(titled(title))).isEqualTo(expected);
    }

    @Test
    void leadingAndTrailingNewlinesDoNotLeaveALineBreak() {
        assertThat(DraftComposer.title(titled("Checkout API down\n"))).isEqualTo("Post-mortem: Checkout API down");
        assertThat(DraftComposer.title(titled("\nCheckout API down"))).doesNotContain("\n").endsWith("Checkout API down");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u0085", "\u2028", "\u2029", "\u009b"})
    void unicodeLineBreaksAndC1ControlsInTitlesBecomeSpaces(String breaker) {
        assertThat(DraftComposer.title(titled("Checkout" + breaker + "API down")))
                .isEqualTo("Post-mortem: Checkout API down");
    }

    @Test
    void nonLatinTitlesAreKept() {
        String title = "Оплата недоступна — 決済APIの遅延 — الدفع متوقف — 🔥 checkout";

        assertThat(DraftComposer.title(titled(title))).isEqualTo("Post-mortem: " + title);
    }

    @Test
    void titleOfExactlyTheLimitIsNotCut() {
        String title = "x".repeat(255 - "Post-mortem: ".length());

        assertThat(DraftComposer.title(titled(title))).isEqualTo("Post-mortem: " + title).hasSize(255);
    }

    @Test
    void longTitleIsCutTo255CharactersAndMarked() {
        String title = "Checkout latency ".repeat(30);

        String cut = DraftComposer.title(titled(title));

        assertThat(cut).hasSize(255).startsWith("Post-mortem: Checkout latency").endsWith("…");
        assertThat("Post-mortem: " + title).startsWith(cut.substring(0, 254));
    }

    @ParameterizedTest
    @ValueSource(ints = {236, 237, 238, 239, 240, 241, 242, 243})
    void cutNeverSplitsAnEmojiAtTheBoundary(int padding) {
        // "Post-mortem: " (13) + padding ASCII, then emoji (2 chars each): every parity lands at the cut
        String title = "a".repeat(padding) + "🔥🚒".repeat(20);
        String full = "Post-mortem: " + title;

        String cut = DraftComposer.title(titled(title));

        assertThat(cut.length()).isLessThanOrEqualTo(255).isGreaterThanOrEqualTo(254);
        assertThat(cut).endsWith("…");
        String kept = cut.substring(0, cut.length() - 1);
        assertThat(full).startsWith(kept);
        assertThat(wellFormed(cut)).as("no lone surrogate in %s", cut).isTrue();
    }

    @Test
    void emojiAtTheBoundaryIsDroppedWhole() {
        // 13 + 240 = 253 chars, then 🔥 occupies 253..254: it cannot fit beside the "…"
        String title = "a".repeat(240) + "🔥";

        String cut = DraftComposer.title(titled(title + "b"));

        assertThat(cut).isEqualTo("Post-mortem: " + "a".repeat(240) + "…");
    }

    // --- follow-up ---------------------------------------------------------------------------------

    @ParameterizedTest
    @MethodSource("followUpDates")
    void followUpIsTheResolvedDateInTheConfiguredZonePlusThePeriod(String zone, LocalDate expected) {
        // resolved_v3.json: resolved at 2021-06-04T13:16:53.816Z
        IncidentSnapshot resolved = parser.read(Refdata.bytes(ZULIP + "resolved_v3.json")).incident();
        DraftComposer composer = new DraftComposer(settings(zone, false));

        Draft draft = composer.compose(resolved, Timeline.of(List.of(), null, HOUR), "urgency high");

        assertThat(draft.followUpOn()).isEqualTo(expected);
        assertThat(MarkdownRenderer.render(draft.body()))
                .contains("Follow-up review on **" + expected + "**: are the actions done, and did they work?");
    }

    static Stream<Arguments> followUpDates() {
        return Stream.of(
                Arguments.of("UTC", LocalDate.parse("2021-06-18")),
                Arguments.of("America/Los_Angeles", LocalDate.parse("2021-06-18")),
                Arguments.of("Pacific/Kiritimati", LocalDate.parse("2021-06-19")), // UTC+14: already June 5th
                Arguments.of("Pacific/Pago_Pago", LocalDate.parse("2021-06-18")));
    }

    @Test
    void followUpUsesTheConfiguredPeriod() {
        IncidentSnapshot resolved = parser.read(Refdata.bytes(ZULIP + "resolved_v3.json")).incident();
        DraftComposer monthLater = new DraftComposer(new DraftSettings(Period.ofMonths(1), ZoneId.of("UTC"), false, HOUR));

        assertThat(monthLater.compose(resolved, Timeline.of(List.of(), null, HOUR), "r").followUpOn())
                .isEqualTo(LocalDate.parse("2021-07-04"));
    }

    @Test
    void resolvedNearMidnightFollowsTheZonesDate() {
        IncidentSnapshot late = withResolved(checkout(), Instant.parse("2026-04-01T23:30:00Z"));

        assertThat(new DraftComposer(settings("Europe/Berlin", false))
                .compose(late, Timeline.of(List.of(), null, HOUR), "r").followUpOn())
                .isEqualTo(LocalDate.parse("2026-04-16"));
        assertThat(UTC.compose(late, Timeline.of(List.of(), null, HOUR), "r").followUpOn())
                .isEqualTo(LocalDate.parse("2026-04-15"));
    }

    // --- the document ----------------------------------------------------------------------------

    @Test
    void documentHasTheBlamelessSectionsInOrder() {
        Draft draft = checkoutDraft(UTC);

        assertThat(draft.body().blocks()).filteredOn(Heading.class::isInstance).map(b -> ((Heading) b).text())
                .containsExactly("Summary", "Timeline", "Gaps", "Root cause", "Contributing factors", "Actions",
                        "Follow-up", "Before closing this review");
    }

    @Test
    void actionsSectionHasAnEmptyActionOwnerDueTable() {
        List<Block> blocks = checkoutDraft(UTC).body().blocks();
        int actions = indexOfHeading(blocks, "Actions");
        int followUp = indexOfHeading(blocks, "Follow-up");

        List<Table> tables = blocks.subList(actions, followUp).stream()
                .filter(Table.class::isInstance).map(Table.class::cast).toList();

        assertThat(tables).hasSize(1);
        assertThat(tables.get(0).header()).containsExactly("Action", "Owner", "Due");
        assertThat(tables.get(0).rows()).hasSize(1);
        assertThat(tables.get(0).rows().get(0)).allSatisfy(cell -> assertThat(cell.content()).isEmpty());
    }

    @Test
    void beforeClosingAsksTheThreeQuestions() {
        List<Block> blocks = checkoutDraft(UTC).body().blocks();
        Block last = blocks.get(blocks.size() - 1);

        assertThat(blocks.get(blocks.size() - 2)).isEqualTo(new Heading(2, "Before closing this review"));
        assertThat(last).isInstanceOf(BulletList.class);
        assertThat(MarkdownRenderer.render(checkoutDraft(UTC).body())).endsWith("""
                ## Before closing this review

                - What would have had to be true for this not to happen?
                - Can someone other than its owner verify that each action is done?
                - What else is fragile in the same way?
                """);
    }

    @Test
    void summaryStatesTheRecordedFacts() {
        String markdown = MarkdownRenderer.render(checkoutDraft(UTC).body());

        assertThat(markdown).contains("""
                ## Summary

                - **Service:** Default Service
                - **Priority / urgency:** P2 / high
                - **Started:** 2026-04-01 02:07:30
                - **Resolved:** 2026-04-01 03:00:00
                - **Duration:** 52 min
                - **Incident:** [PagerDuty incident \\#5](https://harsh0303.pagerduty.com/incidents/Q3B15VLMF3ASBD)
                - **Why a review:** priority P1
                """);
    }

    @Test
    void timelineAndGapsAreRenderedInTheConfiguredZone() {
        String markdown = MarkdownRenderer.render(checkoutDraft(new DraftComposer(settings("Europe/Berlin", false))).body());

        assertThat(markdown).contains("| Time \\(Europe/Berlin\\) | What happened | Kind |");
        assertThat(markdown).contains("| 2026-04-01 04:08:04 | Escalated to on-call responder 1 by on-call responder 1 | event |");
        assertThat(markdown).contains("- **Started:** 2026-04-01 04:07:30");
        assertThat(markdown).contains("""
                | Last change → trigger | no change or deploy recorded shortly before |
                | Trigger → first acknowledgement | not acknowledged |
                | Trigger → resolved | 52 min |""");
    }

    @Test
    void gapsSectionNamesTheLastChange() {
        IncidentSnapshot incident = checkout();
        List<IncidentEvent> events = new ArrayList<>(checkoutEvents());
        events.add(new IncidentEvent("change:1", Origin.CHANGE_EVENT, EventKind.CHANGE,
                Instant.parse("2026-04-01T01:55:00Z"), new Actor(Actor.Kind.SYSTEM, null, "ci"), null,
                "Build Success - Increase snapshot create timeout to 30 seconds"));
        events.add(new IncidentEvent("log:a", Origin.LOG_ENTRY, EventKind.ACKNOWLEDGED,
                Instant.parse("2026-04-01T02:09:15Z"), EARLINE, null, null));

        String markdown = MarkdownRenderer.render(
                UTC.compose(incident, Timeline.of(events, incident.startedAt(), HOUR), "r").body());

        assertThat(markdown).contains("""
                | Last change → trigger | 12 min \\(Build Success - Increase snapshot create timeout to 30 seconds\\) |
                | Trigger → first acknowledgement | 1 min |
                | Trigger → resolved | 52 min |""");
    }

    @Test
    void emptyTimelineSaysNothingWasRecorded() {
        IncidentSnapshot resolved = parser.read(Refdata.bytes(ZULIP + "resolved_v3.json")).incident();

        String markdown = MarkdownRenderer.render(UTC.compose(resolved, Timeline.of(List.of(), null, HOUR), "r").body());

        assertThat(markdown).contains("## Timeline\n\nNothing was recorded for this incident.\n\n## Gaps");
        assertThat(markdown).contains("- **Started:** unknown", "- **Duration:** unknown", "- **Priority / urgency:** none / high");
    }

    @Test
    void respondersNamesNeverAppearWhenNamesAreNotShown() {
        IncidentSnapshot incident = checkout();
        List<IncidentEvent> events = new ArrayList<>(checkoutEvents()); // all by Harsh Santwani
        events.add(new IncidentEvent("log:n", Origin.LOG_ENTRY, EventKind.NOTIFICATION,
                Instant.parse("2026-04-01T02:07:31Z"), MAIL_SERVICE, LEE, "sms"));
        events.add(new IncidentEvent("log:r", Origin.LOG_ENTRY, EventKind.REASSIGNED,
                Instant.parse("2026-04-01T02:10:00Z"), LEE, EARLINE, null));
        events.add(new IncidentEvent("event:x", Origin.WEBHOOK, EventKind.RESPONDER_REQUESTED,
                Instant.parse("2026-04-01T02:11:00Z"), EARLINE, LEE, "join the bridge"));
        events.add(new IncidentEvent("log:res", Origin.LOG_ENTRY, EventKind.RESOLVED, RESOLVED, EARLINE, null, null));
        Timeline timeline = Timeline.of(events, incident.startedAt(), HOUR);

        Draft hidden = UTC.compose(incident, timeline, "priority P1");
        String markdown = MarkdownRenderer.render(hidden.body());
        String adf = AdfRenderer.render(hidden.body()).toString();

        for (String name : List.of("Harsh", "Santwani", "Earline", "Greenholt", "Lee Turner", "Turner")) {
            assertThat(markdown).doesNotContain(name);
            assertThat(adf).doesNotContain(name);
            assertThat(hidden.title()).doesNotContain(name);
        }
        assertThat(markdown).contains("on-call responder 1", "on-call responder 2", "on-call responder 3",
                "Responders are named by their role.");

        String shown = MarkdownRenderer.render(new DraftComposer(settings("UTC", true)).compose(incident, timeline, "r").body());
        assertThat(shown).contains("Harsh Santwani", "Earline Greenholt", "Lee Turner").doesNotContain("on-call responder");
    }

    @Test
    void oneVeryLongNoteIsCutInTheTimeline() {
        IncidentSnapshot incident = checkout();
        String longNote = "The replica lag grew. ".repeat(100);
        IncidentEvent note = new IncidentEvent("note:long", Origin.NOTE, EventKind.NOTE,
                Instant.parse("2026-04-01T02:20:00Z"), MAIL_SERVICE, null, longNote);

        String markdown = MarkdownRenderer.render(
                UTC.compose(incident, Timeline.of(List.of(note), incident.startedAt(), HOUR), "r").body());

        String row = markdown.lines().filter(l -> l.startsWith("| 2026-04-01 02:20:00")).findFirst().orElseThrow();
        assertThat(row).contains("…").doesNotContain(longNote.strip());
        assertThat(row.length()).isLessThan(700);
    }

    @Test
    void fiveThousandEntryTimelineOfLongNotesIsCutToFitAndSaysHowManyWereLeftOut() {
        assertCutToFit(i -> new IncidentEvent("note:" + i, Origin.NOTE, EventKind.NOTE,
                Instant.parse("2026-04-01T02:08:00Z").plusSeconds(i), MAIL_SERVICE, null,
                "Still failing over: replica " + i + " " + "lag ".repeat(200)));
    }

    @Test
    void fiveThousandEntryTimelineOfShortEntriesIsCutToFitAndSaysHowManyWereLeftOut() {
        Actor[] people = {EARLINE, LEE};
        assertCutToFit(i -> new IncidentEvent("log:" + i, Origin.LOG_ENTRY, EventKind.NOTIFICATION,
                Instant.parse("2026-04-01T02:08:00Z").plusSeconds(i), MAIL_SERVICE, people[i % 2], "sms"));
    }

    private void assertCutToFit(java.util.function.IntFunction<IncidentEvent> event) {
        IncidentSnapshot incident = checkout();
        List<IncidentEvent> events = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            events.add(event.apply(i));
        }

        Draft draft = UTC.compose(incident, Timeline.of(events, incident.startedAt(), HOUR), "priority P1");
        String markdown = MarkdownRenderer.render(draft.body());

        assertThat(markdown.length()).isLessThan(JIRA_TEXT_LIMIT);
        long shownRows = markdown.lines().filter(l -> l.startsWith("| 2026-04-01 ")).count();
        Matcher leftOut = Pattern.compile("\\| {2}\\| (\\d+) entries left out to fit Jira's size limit; the "
                + "incident's own log has them all\\. \\| {2}\\|").matcher(markdown);
        assertThat(leftOut.find()).as("a row saying how many entries were left out").isTrue();
        // the 5 000 entries plus the trigger row drawn from the incident's start
        assertThat(Integer.parseInt(leftOut.group(1)) + shownRows).isEqualTo(5_001);
        assertThat(shownRows).isPositive();
        // the first and the last minutes are kept
        assertThat(markdown).contains("| 2026-04-01 02:08:00 |", "| 2026-04-01 03:31:19 |");
        // the rest of the template is still there
        assertThat(markdown).contains("## Actions", "## Before closing this review");
    }

    // --- words(Duration) ---------------------------------------------------------------------------

    @ParameterizedTest
    @MethodSource("durations")
    void durationsInWords(Duration duration, String words) {
        assertThat(DraftComposer.words(duration)).isEqualTo(words);
    }

    static Stream<Arguments> durations() {
        return Stream.of(
                Arguments.of(Duration.ZERO, "0 s"),
                Arguments.of(Duration.ofSeconds(45), "45 s"),
                Arguments.of(Duration.ofMillis(59_999), "59 s"),
                Arguments.of(Duration.ofSeconds(60), "1 min"),
                Arguments.of(Duration.ofSeconds(12 * 60 + 59), "12 min"),
                Arguments.of(Duration.ofSeconds(3599), "59 min"),
                Arguments.of(Duration.ofHours(1), "1 h 00 min"),
                Arguments.of(Duration.ofMinutes(65), "1 h 05 min"),
                Arguments.of(Duration.ofSeconds(86_399), "23 h 59 min"),
                Arguments.of(Duration.ofDays(1), "1 d 0 h"),
                Arguments.of(Duration.ofHours(51).plusMinutes(59), "2 d 3 h"),
                Arguments.of(Duration.ofDays(40), "40 d 0 h"));
    }

    // --- helpers -------------------------------------------------------------------------------

    private static IncidentSnapshot titled(String title) {
        return IncidentSnapshot.reference(Source.PAGERDUTY, "PCPZE64", title, null);
    }

    private static IncidentSnapshot withResolved(IncidentSnapshot s, Instant resolvedAt) {
        return new IncidentSnapshot(s.source(), s.externalId(), s.number(), s.title(), s.serviceId(), s.serviceName(),
                s.priority(), s.urgency(), s.status(), s.htmlUrl(), s.startedAt(), resolvedAt);
    }

    private static int indexOfHeading(List<Block> blocks, String text) {
        for (int i = 0; i < blocks.size(); i++) {
            if (blocks.get(i) instanceof Heading h && h.text().equals(text)) {
                return i;
            }
        }
        throw new AssertionError("no heading " + text);
    }

    private static boolean wellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
