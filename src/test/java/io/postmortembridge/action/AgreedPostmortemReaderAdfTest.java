package io.postmortembridge.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import io.postmortembridge.action.ActionRow.Due;
import io.postmortembridge.action.ActionRow.Owner;
import io.postmortembridge.incident.IncidentSnapshot;
import io.postmortembridge.incident.pagerduty.PagerDutyWebhookParser;
import io.postmortembridge.postmortem.DraftComposer;
import io.postmortembridge.postmortem.DraftSettings;
import io.postmortembridge.postmortem.document.AdfRenderer;
import io.postmortembridge.testsupport.AdfSchema;
import io.postmortembridge.testsupport.Refdata;
import io.postmortembridge.timeline.Timeline;

/**
 * Descriptions as Jira stores them: the draft the service creates (DraftComposer, rendered to ADF),
 * then filled in the way a facilitator does it in Jira's editor.
 */
class AgreedPostmortemReaderAdfTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String ZULIP = "webhook-samples/pagerduty-v3/zulip/";

    private static final String JANE = "557058:f58131cb-b67d-43c7-b30d-6b58d40bd077";
    private static final String SAM = "712020:0e4c5b5a-3b1d-4a8e-9f0a-0c7a2f1d9e11";
    /** 2026-12-01T00:00:00Z, as Jira's date picker stores it. */
    private static final String DECEMBER_FIRST = "1796083200000";

    private static final String ROOT_CAUSE_PROMPT = "The structural cause: which condition of the system made this "
            + "possible? Name conditions, not people.";

    private static final ObjectNode TEMPLATE = renderTemplate();

    /** The description the service sends to Jira for the recorded checkout incident, read back as Jira returns it. */
    private static ObjectNode renderTemplate() {
        PagerDutyWebhookParser parser = new PagerDutyWebhookParser(JSON);
        IncidentSnapshot incident = parser.read(Refdata.bytes(ZULIP + "priority_updated_v3.json")).incident();
        Timeline timeline = Timeline.of(List.of(parser.read(Refdata.bytes(ZULIP + "annotated_v3.json")).event()),
                Instant.parse("2026-04-01T02:07:30Z"), Duration.ofHours(1));
        DraftComposer composer = new DraftComposer(
                new DraftSettings(Period.ofDays(14), ZoneId.of("UTC"), false, Duration.ofHours(1)));
        ObjectNode adf = AdfRenderer.render(composer.compose(incident, timeline, "priority P1").body());
        try {
            return (ObjectNode) JSON.readTree(JSON.writeValueAsString(adf));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // --- the untouched template ------------------------------------------------------------------

    @Test
    void untouchedTemplateHasNoActionsAndBlankSections() {
        ObjectNode template = template();
        AdfSchema.assertValid(template);

        AgreedPostmortem read = AgreedPostmortemReader.fromAdf(template);

        assertThat(read.rows()).isEmpty();
        assertThat(read.rootCause()).isEmpty();
        assertThat(read.contributingFactors()).isEmpty();
    }

    @Test
    void templateStillHasThePromptsTheReaderRemoves() {
        ObjectNode doc = template();

        assertThat(plain(blockAfter(doc, "Root cause", 1))).isEqualTo(ROOT_CAUSE_PROMPT)
                .isEqualTo(AgreedPostmortemReader.ROOT_CAUSE_PROMPT);
        assertThat(plain(blockAfter(doc, "Contributing factors", 1)))
                .isEqualTo(AgreedPostmortemReader.CONTRIBUTING_FACTORS_PROMPT);
    }

    // --- root cause and contributing factors -----------------------------------------------------

    @Test
    void rootCauseWrittenBelowThePromptIsReadWithoutThePrompt() {
        ObjectNode doc = template();
        // the template's empty paragraph after the prompt is where the cursor lands
        ((ObjectNode) blockAfter(doc, "Root cause", 2)).set("content",
                array(text("Migrations ran without a lock timeout.")));

        assertThat(readValid(doc).rootCause()).isEqualTo("Migrations ran without a lock timeout.");
    }

    @Test
    void promptReplacedByTheFacilitatorsTextIsRead() {
        ObjectNode doc = template();
        replaceBlock(doc, "Root cause", 1, paragraph(text("The pool had no checkout timeout.")));

        assertThat(readValid(doc).rootCause()).isEqualTo("The pool had no checkout timeout.");
    }

    @Test
    void promptEditedByTheFacilitatorIsKept() {
        ObjectNode doc = template();
        replaceBlock(doc, "Root cause", 1, paragraph(text(ROOT_CAUSE_PROMPT + " The cache had no size bound.")));

        assertThat(readValid(doc).rootCause()).isEqualTo(ROOT_CAUSE_PROMPT + " The cache had no size bound.");
    }

    @Test
    void paragraphsAreLinesAndListItemsAreDashed() {
        ObjectNode doc = template();
        replaceBlock(doc, "Contributing factors", 1, paragraph(text("Two things:")));
        insertAfter(doc, "Contributing factors", 1, bulletList(
                listItem(paragraph(text("The alert averaged "), marked(text("p50"), "strong"), text(" latency."))),
                listItem(paragraph(text("Nobody")), paragraph(text("owned the runbook.")),
                        bulletList(listItem(paragraph(text("It was last edited in 2023.")))))));

        assertThat(readValid(doc).contributingFactors()).isEqualTo("""
                Two things:
                - The alert averaged p50 latency.
                - Nobody
                  owned the runbook.
                  - It was last edited in 2023.""");
    }

    @Test
    void hardBreakInASectionStartsANewLine() {
        ObjectNode doc = template();
        replaceBlock(doc, "Root cause", 1, paragraph(text("First line"), node("hardBreak"), text("second line")));

        assertThat(readValid(doc).rootCause()).isEqualTo("First line\nsecond line");
    }

    @Test
    void sectionEndsAtTheNextHeadingOfTheSameLevel() {
        ObjectNode doc = template();
        replaceBlock(doc, "Root cause", 1, paragraph(text("Unbounded cache.")));
        replaceBlock(doc, "Contributing factors", 1, paragraph(text("Alert on the average.")));

        AgreedPostmortem read = readValid(doc);

        assertThat(read.rootCause()).isEqualTo("Unbounded cache.");
        assertThat(read.contributingFactors()).isEqualTo("Alert on the average.");
    }

    @Test
    void lowerLevelHeadingStaysInsideTheSection() {
        ObjectNode doc = template();
        replaceBlock(doc, "Root cause", 1, paragraph(text("Unbounded cache.")));
        insertAfter(doc, "Root cause", 1, heading(3, "Evidence"), paragraph(text("Heap grew 2 GB in an hour.")));

        assertThat(readValid(doc).rootCause()).isEqualTo("Unbounded cache.\nEvidence\nHeap grew 2 GB in an hour.");
    }

    @Test
    void missingRootCauseHeadingReadsAsBlank() {
        ObjectNode doc = template();
        content(doc).remove(index(doc, "Root cause"));

        assertThat(readValid(doc).rootCause()).isEmpty();
    }

    // --- headings --------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"Actions", "actions", "ACTIONS", "  Actions  ", "Actions:", "Actions :"})
    void actionsHeadingIsFoundWhateverItsCaseSpacesOrColon(String title) {
        ObjectNode doc = template();
        setRows(doc, row("Add a lock timeout", mention(JANE, "@Jane Doe"), "2026-12-01"));
        renameHeading(doc, "Actions", title);

        assertThat(readValid(doc).rows()).hasSize(1);
    }

    @Test
    void actionsHeadingOfAnyLevelIsFound() {
        ObjectNode doc = template();
        ((ObjectNode) content(doc).get(index(doc, "Actions")).get("attrs")).put("level", 4);
        setRows(doc, row("Add a lock timeout", mention(JANE, "@Jane Doe"), "2026-12-01"));

        assertThat(readValid(doc).rows()).extracting(ActionRow::action).containsExactly("Add a lock timeout");
    }

    // --- owner -----------------------------------------------------------------------------------

    @Test
    void mentionInOwnerCellIsTheAccount() {
        assertThat(ownerOf(mention(JANE, "@Jane Doe"))).isEqualTo(new Owner.Mention(JANE, "Jane Doe"));
    }

    @Test
    void mentionAmongPunctuationAndSpacesIsStillTheAccount() {
        assertThat(ownerOf(text(" ("), mention(JANE, "@Jane Doe"), text(").  ")))
                .isEqualTo(new Owner.Mention(JANE, "Jane Doe"));
    }

    @Test
    void twoMentionsInOwnerCellAreSeveral() {
        assertThat(ownerOf(mention(JANE, "@Jane Doe"), text(", "), mention(SAM, "@Sam Lee")))
                .isEqualTo(new Owner.Several(List.of("Jane Doe", "Sam Lee")));
    }

    @Test
    void twoMentionsWithWordsBetweenAreStillSeveral() {
        assertThat(ownerOf(mention(JANE, "@Jane Doe"), text(" with "), mention(SAM, "@Sam Lee"), text(" as backup")))
                .isEqualTo(new Owner.Several(List.of("Jane Doe", "Sam Lee")));
    }

    @Test
    void samePersonMentionedTwiceIsOneOwner() {
        assertThat(ownerOf(mention(JANE, "@Jane Doe"), text(" / "), mention(JANE, "@Jane Doe")))
                .isEqualTo(new Owner.Mention(JANE, "Jane Doe"));
    }

    @Test
    void mentionBesideOtherWordsIsWrittenAsItReads() {
        assertThat(ownerOf(mention(JANE, "@Jane Doe"), text(" and the DB team")))
                .isEqualTo(new Owner.Written("@Jane Doe and the DB team"));
    }

    @Test
    void mentionWithoutDisplayTextIsNamedByItsAccount() {
        ObjectNode bare = node("mention");
        bare.putObject("attrs").put("id", JANE);

        assertThat(ownerOf(bare)).isEqualTo(new Owner.Mention(JANE, JANE));
    }

    @Test
    void mentionOfEveryoneIsNotAnAccount() {
        ObjectNode all = mention("all", "@all");
        ((ObjectNode) all.get("attrs")).put("userType", "SPECIAL");

        assertThat(ownerOf(all)).isEqualTo(new Owner.Written("@all"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jane.doe@example.com", "Jane Doe", "TBD", "Database team"})
    void typedOwnerIsWritten(String typed) {
        assertThat(ownerOf(text(typed))).isEqualTo(new Owner.Written(typed));
    }

    @Test
    void emptyOwnerCellIsMissing() {
        assertThat(ownerOf()).isEqualTo(new Owner.Missing());
        assertThat(ownerOf(text("   "))).isEqualTo(new Owner.Missing());
    }

    // --- due -------------------------------------------------------------------------------------

    @Test
    void dateNodeIsItsUtcDate() {
        assertThat(dueOf(date(DECEMBER_FIRST))).isEqualTo(new Due.On(LocalDate.of(2026, 12, 1)));
    }

    @Test
    void dateNodeLateInTheUtcDayIsStillThatDay() {
        // 2026-12-01T23:59:59.999Z
        assertThat(dueOf(date("1796169599999"))).isEqualTo(new Due.On(LocalDate.of(2026, 12, 1)));
    }

    @Test
    void dateNodeInSecondsAsAtlassiansOwnExampleWritesItIsRead() {
        assertThat(dueOf(date("1796083200"))).isEqualTo(new Due.On(LocalDate.of(2026, 12, 1)));
    }

    @Test
    void dateNodeBetweenPunctuationIsTheDate() {
        assertThat(dueOf(text("("), date(DECEMBER_FIRST), text(")"))).isEqualTo(new Due.On(LocalDate.of(2026, 12, 1)));
    }

    @Test
    void dateNodeWithWordsBesideItIsWritten() {
        assertThat(dueOf(text("by "), date(DECEMBER_FIRST))).isEqualTo(new Due.Written("by 2026-12-01"));
    }

    @Test
    void twoDifferentDatesAreWritten() {
        assertThat(dueOf(date(DECEMBER_FIRST), text(" or "), date("1799971200000")))
                .isEqualTo(new Due.Written("2026-12-01 or 2027-01-15"));
    }

    @Test
    void dateNodeWithAnUnreadableTimestampIsWritten() {
        assertThat(dueOf(date("soon"))).isEqualTo(new Due.Written("soon"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-12-01", "  2026-12-01 ", "\u00a02026-12-01"})
    void isoDateTypedIsTheDate(String typed) {
        assertThat(dueOf(text(typed))).isEqualTo(new Due.On(LocalDate.of(2026, 12, 1)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"next sprint", "31/12", "2026-02-30", "2026-12-1", "Dec 1", "2026-12-01T10:00"})
    void otherDueTextIsWritten(String typed) {
        assertThat(dueOf(text(typed))).isEqualTo(new Due.Written(typed));
    }

    @Test
    void emptyDueCellIsMissing() {
        assertThat(dueOf()).isEqualTo(new Due.Missing());
    }

    // --- cell text -------------------------------------------------------------------------------

    @Test
    void marksAreIgnoredAndLinksKeepTheirText() {
        ObjectNode link = marked(text("the runbook"), "link");
        ((ObjectNode) link.get("marks").get(0)).putObject("attrs").put("href", "https://wiki.example.com/runbook");

        assertThat(actionOf(paragraph(marked(text("Update"), "strong"), text(" "), link, text(" "),
                marked(text("today"), "em")))).isEqualTo("Update the runbook today");
    }

    @Test
    void hardBreakInACellIsASpace() {
        assertThat(actionOf(paragraph(text("Alert on p99"), node("hardBreak"), text("not the average"))))
                .isEqualTo("Alert on p99 not the average");
    }

    @Test
    void paragraphsInACellAreJoinedBySpaces() {
        assertThat(actionOf(paragraph(text("Alert on p99.")), paragraph(), paragraph(text("Page the owner."))))
                .isEqualTo("Alert on p99. Page the owner.");
    }

    @Test
    void listInACellIsItsItemsJoinedBySemicolons() {
        assertThat(actionOf(paragraph(text("Set timeouts in:")), bulletList(
                listItem(paragraph(text("checkout"))),
                listItem(paragraph(text("orders")), bulletList(listItem(paragraph(text("its worker"))))),
                listItem(paragraph(text("billing"))))))
                .isEqualTo("Set timeouts in: checkout; orders; its worker; billing");
    }

    @Test
    void inlineNodesReadAsTheyShow() {
        ObjectNode emoji = node("emoji");
        emoji.putObject("attrs").put("shortName", ":memo:").put("text", "📝");
        ObjectNode shortNameOnly = node("emoji");
        shortNameOnly.putObject("attrs").put("shortName", ":warning:");
        ObjectNode status = node("status");
        status.putObject("attrs").put("text", "IN PROGRESS").put("color", "blue");
        ObjectNode card = node("inlineCard");
        card.putObject("attrs").put("url", "https://example.atlassian.net/browse/OPS-12");

        assertThat(actionOf(paragraph(emoji, text(" Runbook "), status, text(" "), card, text(" "), shortNameOnly,
                text(" with "), mention(SAM, "@Sam Lee"), text(" by "), date(DECEMBER_FIRST))))
                .isEqualTo("📝 Runbook IN PROGRESS https://example.atlassian.net/browse/OPS-12 :warning: with @Sam Lee "
                        + "by 2026-12-01");
    }

    @Test
    void whitespaceIsCollapsedAndControlCharactersRemoved() {
        assertThat(actionOf(paragraph(text("  Fix\t\tthe \u0000pool\u0007 \r\n timeout\u200b\u202e  "))))
                .isEqualTo("Fix the pool timeout");
    }

    @Test
    void teamColumnIsReadAndBlankTeamIsNull() {
        ObjectNode doc = template();
        setHeader(doc, "Action", "Owner", "Due", "Team");
        setRows(doc, row("Add a lock timeout", mention(JANE, "@Jane Doe"), "2026-12-01", "Payments"),
                row("Alert on p99", mention(SAM, "@Sam Lee"), "2026-12-01", null));

        assertThat(readValid(doc).rows()).extracting(ActionRow::team).containsExactly("Payments", null);
    }

    @Test
    void tableWithoutTeamColumnHasNoTeams() {
        ObjectNode doc = template();
        setRows(doc, row("Add a lock timeout", mention(JANE, "@Jane Doe"), "2026-12-01"));

        assertThat(readValid(doc).rows().get(0).team()).isNull();
    }

    // --- rows ------------------------------------------------------------------------------------

    @Test
    void filledTemplateRowIsRead() {
        ObjectNode doc = template();
        setRows(doc, row("Add a lock timeout to migrations", mention(JANE, "@Jane Doe"), date(DECEMBER_FIRST)));

        assertThat(readValid(doc).rows()).containsExactly(new ActionRow(1, "Add a lock timeout to migrations",
                new Owner.Mention(JANE, "Jane Doe"), new Due.On(LocalDate.of(2026, 12, 1)), null));
    }

    @Test
    void rowNumbersAreTablePositionsWhenBlankRowsAreSkipped() {
        ObjectNode doc = template();
        setRows(doc, row(null, null, null),
                row("Add a lock timeout", mention(JANE, "@Jane Doe"), "2026-12-01"),
                row(null, null, null),
                row("Alert on p99", "Sam", "next sprint"),
                row(null, null, null));

        assertThat(readValid(doc).rows()).extracting(ActionRow::row, ActionRow::action)
                .containsExactly(tuple(2, "Add a lock timeout"),
                        tuple(4, "Alert on p99"));
    }

    @Test
    void rowWithOnlyAnOwnerIsKeptWithABlankAction() {
        ObjectNode doc = template();
        setRows(doc, row(null, mention(JANE, "@Jane Doe"), null));

        assertThat(readValid(doc).rows()).containsExactly(
                new ActionRow(1, "", new Owner.Mention(JANE, "Jane Doe"), new Due.Missing(), null));
    }

    @Test
    void rowWithOnlyAnIgnoredColumnFilledIsKeptSoNothingTypedIsDropped() {
        ObjectNode doc = template();
        setHeader(doc, "Action", "Owner", "Due", "Notes");
        setRows(doc, row(null, null, null, "ask the DBAs first"));

        assertThat(readValid(doc).rows()).containsExactly(
                new ActionRow(1, "", new Owner.Missing(), new Due.Missing(), null));
    }

    @Test
    void headerWithoutFilledRowsIsNoActions() {
        ObjectNode doc = template();
        setRows(doc);

        assertThat(readValid(doc).rows()).isEmpty();
    }

    @Test
    void shortRowsLeaveTheirMissingCellsEmpty() {
        ObjectNode doc = template();
        setRows(doc, row("Add a lock timeout"));

        assertThat(readValid(doc).rows()).containsExactly(
                new ActionRow(1, "Add a lock timeout", new Owner.Missing(), new Due.Missing(), null));
    }

    // --- columns ---------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource({
            "Action, Owner, Due",
            "Action item, Assignee, Due date",
            "What, Who, When",
            "Actions, OWNER, Deadline",
            "action:, owner:, due:"})
    void columnsGoByTheirOtherNames(String action, String owner, String due) {
        ObjectNode doc = template();
        setHeader(doc, action, owner, due);
        setRows(doc, row("Add a lock timeout", mention(JANE, "@Jane Doe"), "2026-12-01"));

        assertThat(readValid(doc).rows()).containsExactly(new ActionRow(1, "Add a lock timeout",
                new Owner.Mention(JANE, "Jane Doe"), new Due.On(LocalDate.of(2026, 12, 1)), null));
    }

    @Test
    void columnsAreFoundByHeaderWhateverTheirOrderAndExtraColumnsAreIgnored() {
        ObjectNode doc = template();
        setHeader(doc, "Priority", "Due", "Team", "Owner", "Notes", "Action");
        setRows(doc, row("High", "2026-12-01", "Payments", mention(JANE, "@Jane Doe"), "discussed at length",
                "Add a lock timeout"));

        assertThat(readValid(doc).rows()).containsExactly(new ActionRow(1, "Add a lock timeout",
                new Owner.Mention(JANE, "Jane Doe"), new Due.On(LocalDate.of(2026, 12, 1)), "Payments"));
    }

    @Test
    void headerRowMayBeOrdinaryCells() {
        ObjectNode doc = template();
        ArrayNode header = (ArrayNode) actionsTable(doc).get("content").get(0).get("content");
        header.forEach(cell -> ((ObjectNode) cell).put("type", "tableCell"));
        setRows(doc, row("Add a lock timeout", "Jane", "2026-12-01"));

        assertThat(readValid(doc).rows()).extracting(ActionRow::action).containsExactly("Add a lock timeout");
    }

    // --- malformed -------------------------------------------------------------------------------

    @Test
    void absentDescriptionIsMalformed() {
        for (JsonNode absent : new JsonNode[] {null, NullNode.getInstance(), MissingNode.getInstance()}) {
            assertThatThrownBy(() -> AgreedPostmortemReader.fromAdf(absent))
                    .isInstanceOf(MalformedPostmortemException.class)
                    .hasMessage("The post-mortem issue has no description: put the actions in a table under a heading "
                            + "named Actions, with the columns Action | Owner | Due (and optionally Team)");
        }
    }

    @Test
    void plainTextDescriptionIsMalformed() {
        assertThatThrownBy(() -> AgreedPostmortemReader.fromAdf(TextNode.valueOf("h2. Actions\n||Action||Owner||Due||")))
                .isInstanceOf(MalformedPostmortemException.class)
                .hasMessage("The description is plain text, not an Atlassian Document Format document: read the "
                        + "issue through Jira's REST API v3, which returns the description as a document");
    }

    @Test
    void objectThatIsNotADocumentIsMalformed() {
        ObjectNode paragraph = paragraph(text("Actions"));

        assertThatThrownBy(() -> AgreedPostmortemReader.fromAdf(paragraph))
                .isInstanceOf(MalformedPostmortemException.class)
                .hasMessageStartingWith("The description is not an Atlassian Document Format document");
    }

    @Test
    void descriptionWithoutActionsHeadingIsMalformed() {
        ObjectNode doc = template();
        renameHeading(doc, "Actions", "Next steps");

        assertMalformed(doc, "The description has no \"Actions\" heading: put the actions in a table under a heading "
                + "named Actions, with the columns Action | Owner | Due (and optionally Team)");
    }

    @Test
    void actionsWrittenAsAParagraphNotAHeadingIsMalformed() {
        ObjectNode doc = template();
        content(doc).set(index(doc, "Actions"), paragraph(text("Actions")));

        assertMalformed(doc, "The description has no \"Actions\" heading: put the actions in a table under a heading "
                + "named Actions, with the columns Action | Owner | Due (and optionally Team)");
    }

    @Test
    void actionsSectionWithoutTableIsMalformed() {
        ObjectNode doc = template();
        ArrayNode content = content(doc);
        content.remove(indexOf(content, actionsTable(doc)));

        assertMalformed(doc, "The Actions section has no table: put a table under the Actions heading whose first row "
                + "names the columns Action | Owner | Due (and optionally Team), then one action per row");
    }

    @Test
    void tableUnderTheNextHeadingIsNotTheActionsTable() {
        ObjectNode doc = template();
        ArrayNode content = content(doc);
        ObjectNode table = actionsTable(doc);
        content.remove(indexOf(content, table));
        content.insert(index(doc, "Follow-up") + 1, table);

        assertMalformed(doc, "The Actions section has no table: put a table under the Actions heading whose first row "
                + "names the columns Action | Owner | Due (and optionally Team), then one action per row");
    }

    @Test
    void tableWithoutOwnerColumnIsMalformedAndSaysWhatItNames() {
        ObjectNode doc = template();
        setHeader(doc, "Action", "Responsible", "Due");

        assertMalformed(doc, "The Actions table has no Owner column: its first row must name the columns "
                + "Action | Owner | Due (Team is optional); it names: Action, Responsible, Due");
    }

    @Test
    void tableMissingSeveralColumnsNamesThemAll() {
        ObjectNode doc = template();
        setHeader(doc, "Task", "Status");

        assertMalformed(doc, "The Actions table has no Action, Owner or Due column: its first row must name the "
                + "columns Action | Owner | Due (Team is optional); it names: Task, Status");
    }

    @Test
    void tableWhoseFirstRowIsEmptyIsMalformed() {
        ObjectNode doc = template();
        setHeader(doc, "", "", "");

        assertMalformed(doc, "The Actions table has no Action, Owner or Due column: its first row must name the "
                + "columns Action | Owner | Due (Team is optional); it is empty");
    }

    @Test
    void tableWithTwoOwnerColumnsIsMalformed() {
        ObjectNode doc = template();
        setHeader(doc, "Action", "Owner", "Due", "Assignee");

        assertMalformed(doc, "The Actions table has two Owner columns (\"Owner\" and \"Assignee\"): keep one, so that "
                + "each row has one owner");
    }

    @Test
    void tableWithoutRowsIsMalformed() {
        ObjectNode doc = template();
        actionsTable(doc).putArray("content");

        assertThatThrownBy(() -> AgreedPostmortemReader.fromAdf(doc))
                .isInstanceOf(MalformedPostmortemException.class)
                .hasMessage("The Actions table is empty: its first row must name the columns Action | Owner | Due "
                        + "(and optionally Team), then one action per row");
    }

    @Test
    void longHeaderNamesAreCutInTheMessage() {
        ObjectNode doc = template();
        setHeader(doc, "Action", "x".repeat(500), "Due");

        assertThatThrownBy(() -> AgreedPostmortemReader.fromAdf(doc))
                .isInstanceOf(MalformedPostmortemException.class)
                .hasMessageEndingWith("it names: Action, " + "x".repeat(39) + "…, Due");
    }

    // --- hostile input ---------------------------------------------------------------------------

    @Test
    void actionOfTheLimitIsRead() {
        ObjectNode doc = template();
        setRows(doc, row("a".repeat(AgreedPostmortemReader.MAX_ACTION), "Jane", "2026-12-01"));

        assertThat(AgreedPostmortemReader.fromAdf(doc).rows().get(0).action()).hasSize(2000);
    }

    @Test
    void actionOverTheLimitIsMalformedAndNamesItsRow() {
        ObjectNode doc = template();
        setRows(doc, row(null, null, null), row("a".repeat(2001), "Jane", "2026-12-01"));

        assertMalformed(doc, "Row 2 of the Actions table: the action is longer than 2000 characters; say what will "
                + "be done in a sentence or two and link to the details");
    }

    @Test
    void hugeActionIsRefusedWithoutReadingItAll() {
        ObjectNode doc = template();
        setRows(doc, row("Drop the cache ".repeat(1_000_000), "Jane", "2026-12-01"));

        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThatThrownBy(
                () -> AgreedPostmortemReader.fromAdf(doc)).isInstanceOf(MalformedPostmortemException.class)
                .hasMessageStartingWith("Row 1 of the Actions table: the action is longer than 2000 characters"));
    }

    @Test
    void ownerDueAndTeamCellsAreBounded() {
        ObjectNode doc = template();
        setHeader(doc, "Action", "Owner", "Due", "Team");
        setRows(doc, row("Add a lock timeout", "J".repeat(201), "2026-12-01", "Payments"));
        assertMalformed(doc, "Row 1 of the Actions table: the Owner cell is longer than 200 characters; name one "
                + "person, with an @mention");

        setRows(doc, row("Add a lock timeout", "Jane", "d".repeat(201), "Payments"));
        assertMalformed(doc, "Row 1 of the Actions table: the Due cell is longer than 200 characters; write one date, "
                + "such as 2026-12-01");

        setRows(doc, row("Add a lock timeout", "Jane", "2026-12-01", "t".repeat(201)));
        assertMalformed(doc, "Row 1 of the Actions table: the Team cell is longer than 200 characters; write the name "
                + "of one team");
    }

    @Test
    void twoHundredActionsAreRead() {
        ObjectNode doc = template();
        setRows(doc, filledRows(200));

        assertThat(AgreedPostmortemReader.fromAdf(doc).rows()).hasSize(200);
    }

    @Test
    void tenThousandFilledRowsAreMalformed() {
        ObjectNode doc = template();
        setRows(doc, filledRows(10_000));

        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertMalformed(doc, "The Actions table has more "
                + "than 200 actions: keep the few the review agreed on (a handful is usual) and track the rest elsewhere"));
    }

    @Test
    void tenThousandBlankRowsAreNoActions() {
        ObjectNode doc = template();
        ObjectNode[] blank = new ObjectNode[10_000];
        for (int i = 0; i < blank.length; i++) {
            blank[i] = row(null, null, null);
        }
        setRows(doc, blank);

        assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThat(AgreedPostmortemReader.fromAdf(doc).rows()).isEmpty());
    }

    @Test
    void absurdCellSpansDoNotShiftOrExhaustAnything() {
        ObjectNode doc = template();
        ObjectNode wide = row("Add a lock timeout", "Jane", "2026-12-01");
        ((ObjectNode) wide.get("content").get(2)).putObject("attrs").put("colspan", 1e12).put("rowspan", 2_000_000_000);
        setRows(doc, wide, row("Alert on p99", "Sam"));

        assertThat(AgreedPostmortemReader.fromAdf(doc).rows()).containsExactly(
                new ActionRow(1, "Add a lock timeout", new Owner.Written("Jane"), new Due.On(LocalDate.of(2026, 12, 1)),
                        null),
                new ActionRow(2, "Alert on p99", new Owner.Written("Sam"), new Due.On(LocalDate.of(2026, 12, 1)),
                        null));
    }

    @Test
    void deeplyNestedCellIsMalformed() {
        ObjectNode doc = template();
        ObjectNode list = bulletList(listItem(paragraph(text("deepest"))));
        for (int i = 0; i < 200; i++) {
            list = bulletList(listItem(paragraph(text("level " + i)), list));
        }
        ObjectNode cell = node("tableCell");
        cell.set("content", array(list));
        ObjectNode row = node("tableRow");
        row.set("content", array(cell, cell("Jane"), cell("2026-12-01")));
        setRows(doc, row);

        assertMalformed(doc, "The description is nested more than 100 levels deep: flatten its lists and panels");
    }

    @Test
    void hugeRootCauseIsMalformed() {
        ObjectNode doc = template();
        for (int i = 0; i < 40; i++) {
            insertAfter(doc, "Root cause", 0, paragraph(text("x".repeat(1000))));
        }

        assertMalformed(doc, "The Root cause section is longer than 32767 characters: summarise it there and link "
                + "to the details");
    }

    // --- helpers ---------------------------------------------------------------------------------

    private static ObjectNode template() {
        return TEMPLATE.deepCopy();
    }

    /**
     * Reads a description after checking that what the test wrote into the template is valid ADF, as
     * every description Jira returns is. The schema validator needs about half a second per table cell,
     * so each block that differs from the template (itself checked once) is checked on its own, a table
     * cell by cell, and nothing is checked twice.
     */
    private static AgreedPostmortem readValid(ObjectNode doc) {
        List<JsonNode> unchanged = new ArrayList<>();
        TEMPLATE.get("content").forEach(unchanged::add);
        for (JsonNode block : content(doc)) {
            if (unchanged.contains(block)) {
                continue;
            }
            if (!"table".equals(block.path("type").asText())) {
                assertValidOnce(block);
                continue;
            }
            for (JsonNode row : block.get("content")) {
                for (JsonNode cell : row.get("content")) {
                    ObjectNode table = node("table");
                    ObjectNode alone = node("tableRow");
                    alone.set("content", array(cell));
                    table.set("content", array(alone));
                    assertValidOnce(table);
                }
            }
        }
        return AgreedPostmortemReader.fromAdf(doc);
    }

    private static final Set<JsonNode> VALID = ConcurrentHashMap.newKeySet();

    private static void assertValidOnce(JsonNode block) {
        if (VALID.contains(block)) {
            return;
        }
        ObjectNode alone = node("doc").put("version", 1);
        alone.set("content", array(block));
        AdfSchema.assertValid(alone);
        VALID.add(block.deepCopy());
    }

    private static void assertMalformed(ObjectNode doc, String message) {
        assertThatThrownBy(() -> AgreedPostmortemReader.fromAdf(doc))
                .isInstanceOf(MalformedPostmortemException.class)
                .hasMessage(message);
    }

    private static Owner ownerOf(JsonNode... inline) {
        ObjectNode doc = template();
        setRows(doc, row("Add a lock timeout", paragraph(inline), "2026-12-01"));
        return readValid(doc).rows().get(0).owner();
    }

    private static Due dueOf(JsonNode... inline) {
        ObjectNode doc = template();
        setRows(doc, row("Add a lock timeout", "Jane", paragraph(inline)));
        return readValid(doc).rows().get(0).due();
    }

    private static String actionOf(ObjectNode... blocks) {
        ObjectNode doc = template();
        ObjectNode cell = node("tableCell");
        cell.set("content", array(blocks));
        ObjectNode row = node("tableRow");
        row.set("content", array(cell, cell("Jane"), cell("2026-12-01")));
        setRows(doc, row);
        return readValid(doc).rows().get(0).action();
    }

    private static ObjectNode[] filledRows(int count) {
        ObjectNode[] rows = new ObjectNode[count];
        for (int i = 0; i < count; i++) {
            rows[i] = row("Action " + i, "Jane", "2026-12-01");
        }
        return rows;
    }

    private static ArrayNode content(ObjectNode doc) {
        return (ArrayNode) doc.get("content");
    }

    /** The index of the top-level heading with this text. */
    private static int index(ObjectNode doc, String heading) {
        ArrayNode content = content(doc);
        for (int i = 0; i < content.size(); i++) {
            JsonNode node = content.get(i);
            if ("heading".equals(node.path("type").asText()) && heading.equals(plain(node))) {
                return i;
            }
        }
        throw new AssertionError("the template has no heading " + heading);
    }

    private static int indexOf(ArrayNode content, JsonNode node) {
        for (int i = 0; i < content.size(); i++) {
            if (content.get(i) == node) {
                return i;
            }
        }
        return -1;
    }

    private static JsonNode blockAfter(ObjectNode doc, String heading, int offset) {
        return content(doc).get(index(doc, heading) + offset);
    }

    private static void replaceBlock(ObjectNode doc, String heading, int offset, JsonNode block) {
        content(doc).set(index(doc, heading) + offset, block);
    }

    private static void insertAfter(ObjectNode doc, String heading, int offset, JsonNode... blocks) {
        int at = index(doc, heading) + offset + 1;
        for (JsonNode block : blocks) {
            content(doc).insert(at++, block);
        }
    }

    private static void renameHeading(ObjectNode doc, String heading, String title) {
        ((ObjectNode) content(doc).get(index(doc, heading))).set("content", array(text(title)));
    }

    private static ObjectNode actionsTable(ObjectNode doc) {
        JsonNode table = blockAfter(doc, "Actions", 2);
        assertThat(table.path("type").asText()).isEqualTo("table");
        return (ObjectNode) table;
    }

    /** Replaces the Actions table's header row with these titles. */
    private static void setHeader(ObjectNode doc, String... titles) {
        ObjectNode header = node("tableRow");
        ArrayNode cells = header.putArray("content");
        for (String title : titles) {
            ObjectNode cell = node("tableHeader");
            cell.set("content", array(title.isEmpty() ? paragraph() : paragraph(text(title))));
            cells.add(cell);
        }
        ((ArrayNode) actionsTable(doc).get("content")).set(0, header);
    }

    /** Replaces the rows under the Actions table's header. */
    private static void setRows(ObjectNode doc, ObjectNode... rows) {
        ArrayNode content = (ArrayNode) actionsTable(doc).get("content");
        JsonNode header = content.get(0);
        content.removeAll();
        content.add(header);
        for (ObjectNode row : rows) {
            content.add(row);
        }
    }

    /** A row; each value is a cell: text, an inline node, a paragraph, or null for an empty cell. */
    private static ObjectNode row(Object... values) {
        ObjectNode row = node("tableRow");
        ArrayNode cells = row.putArray("content");
        for (Object value : values) {
            cells.add(cell(value));
        }
        return row;
    }

    private static ObjectNode cell(Object value) {
        ObjectNode paragraph;
        if (value == null) {
            paragraph = paragraph();
        } else if (value instanceof String s) {
            paragraph = paragraph(text(s));
        } else if (value instanceof ObjectNode node && "paragraph".equals(node.path("type").asText())) {
            paragraph = node;
        } else {
            paragraph = paragraph((JsonNode) value);
        }
        ObjectNode cell = node("tableCell");
        cell.set("content", array(paragraph));
        return cell;
    }

    private static ObjectNode node(String type) {
        return NODES.objectNode().put("type", type);
    }

    private static ArrayNode array(JsonNode... nodes) {
        ArrayNode array = NODES.arrayNode();
        for (JsonNode node : nodes) {
            array.add(node);
        }
        return array;
    }

    private static ObjectNode text(String text) {
        return node("text").put("text", text);
    }

    private static ObjectNode marked(ObjectNode text, String mark) {
        text.putArray("marks").add(node(mark));
        return text;
    }

    private static ObjectNode mention(String accountId, String shown) {
        ObjectNode mention = node("mention");
        mention.putObject("attrs").put("id", accountId).put("text", shown).put("accessLevel", "");
        return mention;
    }

    private static ObjectNode date(String timestamp) {
        ObjectNode date = node("date");
        date.putObject("attrs").put("timestamp", timestamp);
        return date;
    }

    private static ObjectNode paragraph(JsonNode... inline) {
        ObjectNode paragraph = node("paragraph");
        paragraph.set("content", array(inline));
        return paragraph;
    }

    private static ObjectNode heading(int level, String title) {
        ObjectNode heading = node("heading");
        heading.putObject("attrs").put("level", level);
        heading.set("content", array(text(title)));
        return heading;
    }

    private static ObjectNode bulletList(ObjectNode... items) {
        ObjectNode list = node("bulletList");
        list.set("content", array(items));
        return list;
    }

    private static ObjectNode listItem(ObjectNode... blocks) {
        ObjectNode item = node("listItem");
        item.set("content", array(blocks));
        return item;
    }

    /** The text of a heading or paragraph's text nodes. */
    private static String plain(JsonNode block) {
        StringBuilder text = new StringBuilder();
        block.path("content").forEach(node -> text.append(node.path("text").asText()));
        return text.toString();
    }
}
