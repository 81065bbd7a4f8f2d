package io.postmortembridge.action;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.postmortembridge.action.ActionRow.Due;
import io.postmortembridge.action.ActionRow.Owner;
import io.postmortembridge.testsupport.AdfSchema;

/**
 * Descriptions written by hand the way facilitators leave them after a review (files under
 * {@code src/test/resources/action/reader/}): columns reordered and renamed, extra columns, cells with
 * formatting, mentions, dates, lists and line breaks, blank rows, sections nested in panels and expands.
 */
class AgreedPostmortemReaderFixturesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String PRIYA = "5b10ac8d82e05b22cc7d4ef5";
    private static final String ANA = "5b10a2844c20165700ede21g";

    @ParameterizedTest
    @ValueSource(strings = {"facilitator-edited.json", "nested-sections.json", "merged-cells.json"})
    void fixtureIsValidAdf(String name) {
        AdfSchema.assertValid(fixture(name));
    }

    // --- facilitator-edited.json: the template after a review ------------------------------------

    @Test
    void editedTableIsReadRowByRowInTableOrder() {
        List<ActionRow> rows = AgreedPostmortemReader.fromAdf(fixture("facilitator-edited.json")).rows();

        assertThat(rows).containsExactly(
                new ActionRow(1, "Add lock_timeout to every migration, see the migration guide",
                        new Owner.Mention(PRIYA, "Priya Raman"), new Due.On(LocalDate.of(2026, 12, 1)), "Payments"),
                new ActionRow(2, "Alert on p99 latency instead of the average",
                        new Owner.Several(List.of("Jane Doe", "Sam Lee")), new Due.On(LocalDate.of(2026, 12, 15)), null),
                new ActionRow(4, "Set a pool checkout timeout: checkout service; order worker",
                        new Owner.Written("Database team"), new Due.Written("next sprint"), "Platform"),
                new ActionRow(5, "📝 Write the failover runbook DRAFT https://example.atlassian.net/browse/OPS-12",
                        new Owner.Missing(), new Due.Missing(), null));
    }

    @Test
    void editedRootCauseIsTheFacilitatorsTextWithItsList() {
        assertThat(AgreedPostmortemReader.fromAdf(fixture("facilitator-edited.json")).rootCause()).isEqualTo("""
                A migration locked the orders table while the checkout service held long transactions.
                - Migrations run without a lock timeout.
                - The pool waits forever for a connection.
                  - Default of the driver, never changed.""");
    }

    @Test
    void promptLeftAboveTheFacilitatorsTextIsDropped() {
        assertThat(AgreedPostmortemReader.fromAdf(fixture("facilitator-edited.json")).contributingFactors())
                .isEqualTo("The latency alert fired on the average,\nwhich hid the p99 for 25 minutes.");
    }

    // --- nested-sections.json: headings of other levels, a panel, an expand ----------------------

    @Test
    void sectionRunsToTheNextHeadingOfItsLevelAndOpensPanels() {
        assertThat(AgreedPostmortemReader.fromAdf(fixture("nested-sections.json")).rootCause()).isEqualTo("""
                The structural cause: which condition of the system made this possible? Name conditions, not \
                people. The cache had no size bound.
                Evidence
                1. Heap grew 2 GB in an hour.
                2. GC pauses reached 9 s.
                Seen once before, in March.""");
    }

    @Test
    void codeBlockKeepsItsLines() {
        assertThat(AgreedPostmortemReader.fromAdf(fixture("nested-sections.json")).contributingFactors())
                .isEqualTo("cache.size=unbounded\nheap.max=4g");
    }

    @Test
    void firstTableOfTheActionsSectionIsReadEvenInsideAnExpand() {
        List<ActionRow> rows = AgreedPostmortemReader.fromAdf(fixture("nested-sections.json")).rows();

        assertThat(rows).containsExactly(
                new ActionRow(1, "Bound the session cache to 10 000 entries", new Owner.Mention(ANA, "Ana Souza"),
                        new Due.Written("by 2026-11-20"), null),
                new ActionRow(2, "Alert on heap growth rate", new Owner.Written("@Ana Souza and the SRE rota"),
                        new Due.On(LocalDate.of(2027, 1, 15)), null));
    }

    // --- merged-cells.json: cells merged across rows and columns ---------------------------------

    @Test
    void cellMergedDownRowsCountsForEachOfThem() {
        List<ActionRow> rows = AgreedPostmortemReader.fromAdf(fixture("merged-cells.json")).rows();

        assertThat(rows).containsExactly(
                new ActionRow(1, "Rotate the leaked key", new Owner.Mention(PRIYA, "Priya Raman"),
                        new Due.On(LocalDate.of(2026, 11, 20)), null),
                new ActionRow(2, "Scan the repository history for other keys", new Owner.Mention(PRIYA, "Priya Raman"),
                        new Due.On(LocalDate.of(2026, 12, 1)), null),
                new ActionRow(3, "Move secrets to the vault", new Owner.Missing(), new Due.Written("Q1"), null));
    }

    @Test
    void descriptionWithoutRootCauseOrFactorsHeadingsReadsThemAsBlank() {
        AgreedPostmortem read = AgreedPostmortemReader.fromAdf(fixture("merged-cells.json"));

        assertThat(read.rootCause()).isEmpty();
        assertThat(read.contributingFactors()).isEmpty();
    }

    private static JsonNode fixture(String name) {
        try (InputStream in = AgreedPostmortemReaderFixturesTest.class.getResourceAsStream("/action/reader/" + name)) {
            if (in == null) {
                throw new IllegalStateException("test resource action/reader/" + name + " is missing");
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
