package io.postmortembridge.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.time.LocalDate;
import java.time.Period;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.postmortembridge.action.ActionRow.Due;
import io.postmortembridge.action.ActionRow.Owner;
import io.postmortembridge.action.Finding.Severity;

class ActionReviewTest {

    static final LocalDate TODAY = LocalDate.of(2026, 3, 2);
    static final Set<String> TEAMS = Set.of("Payments", "Platform", "Search");
    static final ActionReview REVIEW = new ActionReview(ReviewRules.defaults());

    static final String GOOD = "Add an alert when checkout-api returns more than 1% 5xx for 5 minutes";

    static ActionRow row(int n, String action) {
        return new ActionRow(n, action, new Owner.Written("Ann Lee"), new Due.On(TODAY.plusDays(14)), null);
    }

    static final List<String> GOOD_ACTIONS = List.of(GOOD, "Reject malformed postal codes in the address form",
            "Alert when replication lag exceeds 5 minutes");

    static ActionRow withOwner(Owner owner) {
        return withOwner(1, owner);
    }

    static ActionRow withOwner(int row, Owner owner) {
        return new ActionRow(row, GOOD_ACTIONS.get(row - 1), owner, new Due.On(TODAY.plusDays(14)), null);
    }

    static ActionRow withDue(Due due) {
        return new ActionRow(1, GOOD, new Owner.Mention("5b10a2844c20165700ede21g", "@Ann Lee"), due, null);
    }

    static List<Finding> review(ActionRow... rows) {
        return REVIEW.review(new AgreedPostmortem("", "", List.of(rows)), TEAMS, TODAY);
    }

    static List<Finding> review(String rootCause, String factors) {
        return REVIEW.review(new AgreedPostmortem(rootCause, factors, List.of(row(1, GOOD))), TEAMS, TODAY);
    }

    static List<Finding> only(List<Finding> findings, String rule) {
        return findings.stream().filter(f -> f.rule().equals(rule)).toList();
    }

    @Test
    void aGoodPostmortemHasNoFindings() {
        AgreedPostmortem pm = new AgreedPostmortem(
                "The cleanup script accepted a production hostname without asking for confirmation, and the "
                        + "admin console allowed DELETE without a WHERE clause.",
                "Backups had not been restored in a test for 6 months; the restore runbook pointed at a retired host.",
                List.of(
                        new ActionRow(1, "Remove the ability to run DELETE without a WHERE clause in the admin console",
                                new Owner.Mention("712020:aa", "@Ann Lee"), new Due.On(TODAY.plusDays(21)),
                                "Platform"),
                        new ActionRow(2, "Move the backup verification into a daily job that restores to staging",
                                new Owner.Written("bob.roe@example.com"), new Due.On(TODAY.plusDays(30)), null),
                        new ActionRow(3, "Alert when replication lag exceeds 5 minutes",
                                new Owner.Written("Chidi Okafor"), new Due.On(TODAY), "payments")));
        assertThat(REVIEW.review(pm, TEAMS, TODAY)).isEmpty();
    }

    @Nested
    class TooManyActions {

        @Test
        void moreThanThreeIsAnErrorOnThePostmortemAsAWhole() {
            List<Finding> findings = review(row(1, GOOD), row(2, "Reject malformed postal codes in the address form"),
                    row(3, "Alert when replication lag exceeds 5 minutes"),
                    row(4, "Rate-limit the /login endpoint to 10 requests per second per IP"));
            assertThat(findings).singleElement().satisfies(f -> {
                assertThat(f.rule()).isEqualTo("too-many-actions");
                assertThat(f.row()).isNull();
                assertThat(f.field()).isEqualTo("action");
                assertThat(f.severity()).isEqualTo(Severity.ERROR);
                assertThat(f.message()).contains("4 actions", "at most 3", "Force-rank", "matter most",
                        "backlog");
            });
            assertThat(ActionReview.pushable(findings, 1)).isFalse();
            assertThat(ActionReview.pushable(findings, 4)).isFalse();
        }

        @Test
        void threeIsFine() {
            assertThat(review(row(1, GOOD), row(2, "Reject malformed postal codes in the address form"),
                    row(3, "Alert when replication lag exceeds 5 minutes"))).isEmpty();
        }

        @Test
        void theLimitIsConfigurable() {
            ReviewRules d = ReviewRules.defaults();
            ActionReview one = new ActionReview(new ReviewRules(1, d.minActionWords(), d.dueFarAfter(),
                    d.weakVerbs(), d.vaguePhrases(), d.vigilancePhrases(), d.blamePhrases(), d.notAPerson()));
            List<Finding> findings = one.review(new AgreedPostmortem("", "", List.of(row(1, GOOD),
                    row(2, "Reject malformed postal codes in the address form"))), TEAMS, TODAY);
            assertThat(findings).extracting(Finding::rule, Finding::message)
                    .singleElement().satisfies(t -> assertThat(t.toList().get(1).toString())
                            .contains("2 actions", "keep the 1 that matter most"));
        }

        @Test
        void theOtherRowsAreStillReviewedSoEverythingCanBeFixedAtOnce() {
            List<Finding> findings = review(row(1, GOOD), row(2, "Fix it"), row(3, GOOD + " again"),
                    row(4, "Alert when replication lag exceeds 5 minutes"));
            assertThat(findings).extracting(Finding::row, Finding::rule)
                    .containsExactly(tuple(null, "too-many-actions"), tuple(2, "action-vague"));
        }
    }

    @Nested
    class MissingAndDuplicateActions {

        @Test
        void aRowWithOwnerAndDueButNoActionIsAnError() {
            assertThat(review(row(1, ""), row(2, "  \u00a0 "), row(3, "…")))
                    .extracting(Finding::row, Finding::rule, Finding::severity)
                    .containsExactly(tuple(1, "action-missing", Severity.ERROR),
                            tuple(2, "action-missing", Severity.ERROR), tuple(3, "action-missing", Severity.ERROR));
            assertThat(review(row(1, "")).get(0).message()).contains("write what will change", "delete the row");
        }

        @Test
        void aDuplicateIsAnErrorOnTheLaterRow() {
            List<Finding> findings = review(row(1, "Alert when replication lag exceeds 5 minutes"),
                    row(2, GOOD), row(3, "  \"alert when REPLICATION lag   exceeds 5 minutes.\" "));
            assertThat(findings).singleElement().satisfies(f -> {
                assertThat(f.row()).isEqualTo(3);
                assertThat(f.rule()).isEqualTo("duplicate-action");
                assertThat(f.message()).contains("row 1", "delete this row", "how it differs");
            });
            assertThat(ActionReview.pushable(findings, 1)).isTrue();
            assertThat(ActionReview.pushable(findings, 3)).isFalse();
        }

        @Test
        void aDuplicateOfAVagueActionIsReportedOnceAsDuplicate() {
            assertThat(review(row(1, "Improve monitoring"), row(2, "improve monitoring!")))
                    .extracting(Finding::row, Finding::rule)
                    .containsExactly(tuple(1, "action-vague"), tuple(2, "duplicate-action"));
        }
    }

    @Nested
    class Vigilance {

        @ParameterizedTest
        @ValueSource(strings = {
                "Make sure engineers check the schema before deploying",
                "Remind the team to check the dashboards before deploying",
                "Send a reminder about the change freeze to all engineers",
                "Be more careful when running migrations on the primary",
                "Double-check the replica before promoting it with pg_ctl",
                "Training for new on-call engineers on the failover runbook",
                "Train engineers on the new failover runbook",
                "Pay attention to the disk alerts on db-primary",
                "Remember to drain the node before rebooting it",
                "Communicate to the team that DELETE needs a WHERE clause",
                "Raise awareness of the rate limits on the public API",
                "Ensure everyone reads the deploy checklist",
                "Don't forget to update the status page",
        })
        void relyingOnPeopleIsAWarning(String action) {
            List<Finding> findings = review(row(1, action));
            assertThat(only(findings, "action-vigilance")).as(action).singleElement().satisfies(f -> {
                assertThat(f.severity()).isEqualTo(Severity.WARNING);
                assertThat(f.field()).isEqualTo("action");
                assertThat(f.message()).contains("relies on people", "mechanism");
            });
            assertThat(ActionReview.pushable(findings, 1)).as(action).isTrue();
        }

        @Test
        void theMessageQuotesTheWordsAndSuggestsAMechanism() {
            assertThat(only(review(row(1, "Make sure engineers check the schema before deploying")),
                    "action-vigilance").get(0).message())
                    .startsWith("'Make sure engineers'")
                    .contains("Add a pre-deploy check that parses the schema");
        }

        @ParameterizedTest
        @ValueSource(strings = {
                "Add a pre-deploy check that parses the schema",
                "Retrain the anomaly detector on 12 months of traffic",
                "Make the promote script refuse when replication lag is above 0 seconds",
                "Add a step to the deploy pipeline that fails on an unparseable schema",
        })
        void mechanismsAreNotVigilance(String action) {
            assertThat(review(row(1, action))).as(action).isEmpty();
        }
    }

    @Nested
    class Blame {

        @ParameterizedTest
        @ValueSource(strings = {
                "Human error: the engineer forgot to run the migration before deploying.",
                "The on-call engineer failed to escalate within 30 minutes.",
                "The outage was caused by the on-call engineer.",
                "Because Bob ran the cleanup script against production instead of staging.",
                "Bob broke the build by pushing directly to main.",
                "The operator should have checked the replica before promoting it.",
                "Operator error during the maintenance window.",
                "An engineer mistakenly deleted the primary database directory.",
                "The developer didn't follow the runbook.",
                "Negligence by the release manager.",
                "Caused by Alice.",
                "Someone accidentally ran DELETE without a WHERE clause.",
                "A careless config change by the new hire.",
                "Should have tested it in staging first.",
                "The SRE fat-fingered the instance count.",
        })
        void aPersonAsTheCauseIsAWarning(String text) {
            assertThat(review(text, "")).as(text).singleElement().satisfies(f -> {
                assertThat(f.rule()).isEqualTo("blame");
                assertThat(f.row()).isNull();
                assertThat(f.field()).isEqualTo("rootCause");
                assertThat(f.severity()).isEqualTo(Severity.WARNING);
            });
            assertThat(review("", text)).as(text).extracting(Finding::field).containsExactly("contributingFactors");
        }

        @ParameterizedTest
        @ValueSource(strings = {
                "The deploy script applied the migration without checking the schema.",
                "The health check failed to detect the stuck worker.",
                "Replication lag grew because the backup job held a lock on the primary.",
                "Kafka failed to rebalance after the broker restart.",
                "The alert should have fired at 5% but the threshold was set to 50%.",
                "Because Redis ran out of memory, sessions were evicted.",
                "The outage was due to the Kubernetes operator crash-looping.",
                "A config change pushed by the deploy pipeline removed the rate limit.",
                "The on-call engineer was paged but the runbook link was dead.",
                "The on-call engineer did not have access to the production console.",
                "The cleanup script accepted a production hostname without asking for confirmation.",
                "The retry storm was triggered by the client ignoring Retry-After.",
                "A regular expression in a WAF rule backtracked and used 100% CPU on every edge server.",
                "A command to remove a small number of servers was entered with a larger input than intended, "
                        + "and the tool did not check it against minimum capacity.",
        })
        void aSystemicCauseIsNotBlame(String text) {
            assertThat(review(text, text)).as(text).isEmpty();
        }

        @Test
        void theMessageQuotesTheWordsAndAsksWhatLetItHappen() {
            String message = review("Human error: the engineer forgot to run the migration.", "").get(0).message();
            assertThat(message)
                    .contains("'Human error'", "'the engineer forgot'")
                    .contains("what let this step be skipped")
                    .contains("missing check")
                    .contains("instead of the person");
        }

        @Test
        void blameNeverBlocks() {
            List<Finding> findings = review("Human error.", "Bob broke it.");
            assertThat(findings).hasSize(2).noneMatch(Finding::isError);
            assertThat(ActionReview.pushable(findings, 1)).isTrue();
        }
    }

    @Nested
    class Owners {

        @Test
        void aMissingOwnerIsAnError() {
            assertThat(review(withOwner(1, new Owner.Missing()), withOwner(2, new Owner.Written("  "))))
                    .extracting(Finding::rule).containsExactly("owner-missing", "owner-missing");
            assertThat(review(withOwner(new Owner.Missing())).get(0).message())
                    .contains("one person", "mention them with @");
        }

        @Test
        void severalMentionsAreNotOneOwner() {
            assertThat(review(withOwner(new Owner.Several(List.of("Ann Lee", "Bob Roe"))))).singleElement()
                    .satisfies(f -> {
                        assertThat(f.rule()).isEqualTo("owner-not-a-person");
                        assertThat(f.field()).isEqualTo("owner");
                        assertThat(f.message()).contains("'Ann Lee' and 'Bob Roe'", "one", "drives it");
                    });
        }

        @ParameterizedTest
        @ValueSource(strings = {"TBD", "tbc", "?", "??", "N/A", "na", "None", "-", "on-call", "Oncall", "on call",
                "everyone", "All", "we", "us", "team", "The team", "Ops", "devs", "Engineering", "SRE", "someone",
                "anyone", "whoever", "Unassigned", "TBD.", "@oncall", "Platform team", "the database team",
                "DB squad"})
        void notAPerson(String written) {
            assertThat(review(withOwner(new Owner.Written(written)))).as(written).singleElement().satisfies(f -> {
                assertThat(f.rule()).isEqualTo("owner-not-a-person");
                assertThat(f.severity()).isEqualTo(Severity.ERROR);
                assertThat(f.message()).contains("not a person", "one person", "@");
            });
        }

        @ParameterizedTest
        @ValueSource(strings = {"Payments", "payments", "PLATFORM", "@Search", "Payments team", "the Payments team"})
        void aTeamIsNotAPerson(String written) {
            assertThat(review(withOwner(new Owner.Written(written)))).as(written).singleElement().satisfies(f -> {
                assertThat(f.rule()).isEqualTo("owner-not-a-person");
                assertThat(f.message()).contains("is a team", "one person in");
            });
        }

        @ParameterizedTest
        @ValueSource(strings = {"Ann and Bob", "Ann, Bob", "Ann/Bob", "Ann & Bob", "Ann Lee + Bob Roe",
                "ann@example.com, bob@example.com", "Ann or Bob", "Ann; Bob"})
        void aListOfPeopleIsNotOneOwner(String written) {
            assertThat(review(withOwner(new Owner.Written(written)))).as(written).singleElement().satisfies(f -> {
                assertThat(f.rule()).isEqualTo("owner-not-a-person");
                assertThat(f.message()).contains("several people", "one owner");
            });
        }

        @ParameterizedTest
        @ValueSource(strings = {"Ann Lee", "ann.lee@example.com", "@Ann", "Jean-Luc Picard", "Siobhán O'Brien",
                "Alexandra Anderson", "ann+oncall@example.com", "Ann Lee (SRE/Payments)", "Ann Lee <ann@example.com>",
                "Zoë", "山田太郎", "Sandra Orwell"})
        void oneNameOrAddressPasses(String written) {
            assertThat(review(withOwner(new Owner.Written(written)))).as(written).isEmpty();
        }

        @Test
        void aMentionPasses() {
            assertThat(review(withOwner(new Owner.Mention("712020:abc", "@Ann Lee")))).isEmpty();
        }

        @Test
        void theNotAPersonListIsConfigurable() {
            ReviewRules d = ReviewRules.defaults();
            ActionReview custom = new ActionReview(new ReviewRules(d.maxPerPostmortem(), d.minActionWords(),
                    d.dueFarAfter(), d.weakVerbs(), d.vaguePhrases(), d.vigilancePhrases(), d.blamePhrases(),
                    List.of("Platform Guild")));
            List<Finding> findings = custom.review(new AgreedPostmortem("", "", List.of(
                    withOwner(1, new Owner.Written("platform guild")), withOwner(2, new Owner.Written("TBD")))),
                    Set.of(), TODAY);
            assertThat(findings).extracting(Finding::rule).containsExactly("owner-not-a-person");
        }

        @Test
        void ownerLookUpFindingsAreWordedLikeTheOthers() {
            Finding unknown = ActionReview.ownerUnknown(2, "Jon Smiht");
            assertThat(unknown).extracting(Finding::row, Finding::field, Finding::rule, Finding::severity)
                    .containsExactly(2, "owner", "owner-unknown", Severity.ERROR);
            assertThat(unknown.message()).contains("No Jira user matches 'Jon Smiht'", "mention the person with @",
                    "e-mail address");

            Finding ambiguous = ActionReview.ownerAmbiguous(3, "Alex", List.of("Alex Kim", "Alex Roe"));
            assertThat(ambiguous).extracting(Finding::row, Finding::field, Finding::rule, Finding::severity)
                    .containsExactly(3, "owner", "owner-ambiguous", Severity.ERROR);
            assertThat(ambiguous.message()).contains("'Alex' matches several Jira users (Alex Kim, Alex Roe)",
                    "mention the right one with @");

            List<String> many = new ArrayList<>();
            for (int i = 1; i <= 8; i++) {
                many.add("Alex " + i);
            }
            assertThat(ActionReview.ownerAmbiguous(3, "Alex", many).message()).contains("Alex 5 and 3 more");
        }
    }

    @Nested
    class DueDates {

        @Test
        void aMissingDateIsAnError() {
            assertThat(review(withDue(new Due.Missing()))).singleElement().satisfies(f -> {
                assertThat(f.rule()).isEqualTo("due-missing");
                assertThat(f.field()).isEqualTo("due");
                assertThat(f.message()).contains("type // in Jira", "2026-03-30");
            });
        }

        @ParameterizedTest
        @ValueSource(strings = {"next sprint", "ASAP", "31/12", "Q1", "end of month", "soon", "2026-02-30",
                "Friday"})
        void writtenTextIsNotADate(String written) {
            assertThat(review(withDue(new Due.Written(written)))).as(written).singleElement().satisfies(f -> {
                assertThat(f.rule()).isEqualTo("due-invalid");
                assertThat(f.severity()).isEqualTo(Severity.ERROR);
                assertThat(f.message()).contains("'" + written + "' is not a date", "type // in Jira",
                        "write it as 2026-03-30");
            });
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
                "31/12       | 2026-12-31",
                "12/31       | 2026-12-31",
                "1/2/2027    | ",
                "15.01.      | ",
                "15.01.2027  | 2027-01-15",
                "1/3         | ",
                "28/2        | 2027-02-28",
                "3/3         | 2026-03-03",
                "31 Dec      | 2026-12-31",
                "March 5th   | 2026-03-05",
                "March 1st   | 2027-03-01",
                "5 May 2026  | 2026-05-05",
                "next sprint | ",
        })
        void anUnambiguousWrittenDateIsSuggested(String written, String meant) {
            String message = review(withDue(new Due.Written(written))).get(0).message();
            if (meant == null) {
                assertThat(message).doesNotContain("Did you mean");
            } else {
                assertThat(message).endsWith("Did you mean " + meant + "?");
            }
        }

        @Test
        void aDateInThePastIsAnError() {
            assertThat(review(withDue(new Due.On(TODAY.minusDays(1))))).singleElement().satisfies(f -> {
                assertThat(f.rule()).isEqualTo("due-past");
                assertThat(f.message()).contains("2026-03-01 is in the past", "really be done by");
            });
            assertThat(review(withDue(new Due.On(TODAY)))).isEmpty();
        }

        @Test
        void aFarDateIsAWarning() {
            assertThat(review(withDue(new Due.On(TODAY.plusDays(180))))).isEmpty();
            List<Finding> far = review(withDue(new Due.On(TODAY.plusDays(181))));
            assertThat(far).singleElement().satisfies(f -> {
                assertThat(f.rule()).isEqualTo("due-far");
                assertThat(f.severity()).isEqualTo(Severity.WARNING);
                assertThat(f.message()).contains("more than 180 days away", "first step due sooner");
            });
            assertThat(ActionReview.pushable(far, 1)).isTrue();
        }

        @Test
        void theFarWarningCanBeTurnedOff() {
            ReviewRules off = ReviewRules.read(Map.of("actions.due-far-after", "P0D")::get);
            assertThat(off.dueFarAfter()).isNull();
            assertThat(new ActionReview(off).review(new AgreedPostmortem("", "",
                    List.of(withDue(new Due.On(TODAY.plusYears(3))))), TEAMS, TODAY)).isEmpty();
            ReviewRules sixMonths = ReviewRules.read(Map.of("actions.due-far-after", "P6M")::get);
            assertThat(new ActionReview(sixMonths).review(new AgreedPostmortem("", "",
                    List.of(withDue(new Due.On(TODAY.plusYears(1))))), TEAMS, TODAY).get(0).message())
                    .contains("more than 6 months away");
        }
    }

    @Nested
    class Teams {

        @Test
        void aTeamThatIsNotConfiguredIsAnError() {
            ActionRow row = new ActionRow(1, GOOD, new Owner.Written("Ann Lee"), new Due.On(TODAY), "Paymnts");
            assertThat(review(row)).singleElement().satisfies(f -> {
                assertThat(f.rule()).isEqualTo("team-unknown");
                assertThat(f.field()).isEqualTo("team");
                assertThat(f.severity()).isEqualTo(Severity.ERROR);
                assertThat(f.message()).contains("'Paymnts' is not a configured team",
                        "write one of Payments, Platform, Search", "Did you mean 'Payments'?");
            });
        }

        @Test
        void aKnownTeamInAnyCaseOrABlankCellPasses() {
            assertThat(review(new ActionRow(1, GOOD, new Owner.Written("Ann Lee"), new Due.On(TODAY), " search "),
                    new ActionRow(2, "Alert when replication lag exceeds 5 minutes", new Owner.Written("Ann Lee"),
                            new Due.On(TODAY), ""),
                    new ActionRow(3, "Reject malformed postal codes in the address form",
                            new Owner.Written("Ann Lee"), new Due.On(TODAY), null))).isEmpty();
        }

        @Test
        void withoutConfiguredTeamsTheColumnIsNotChecked() {
            ActionRow row = new ActionRow(1, GOOD, new Owner.Written("Payments"), new Due.On(TODAY), "Anything");
            assertThat(REVIEW.review(new AgreedPostmortem("", "", List.of(row)), Set.of(), TODAY)).isEmpty();
        }
    }

    @Test
    void findingsAreOrderedByRowThenField() {
        AgreedPostmortem pm = new AgreedPostmortem("Human error.", "The engineer forgot to check.", List.of(
                new ActionRow(1, "Fix it", new Owner.Written("TBD"), new Due.Written("ASAP"), "Nope"),
                new ActionRow(2, GOOD, new Owner.Missing(), new Due.On(TODAY.minusDays(3)), null),
                new ActionRow(3, "Remind engineers to check the schema before deploying", new Owner.Written("Ann Lee"),
                        new Due.Missing(), null),
                new ActionRow(4, "", new Owner.Written("Ann Lee"), new Due.On(TODAY), null)));
        assertThat(REVIEW.review(pm, TEAMS, TODAY)).extracting(Finding::row, Finding::field, Finding::rule)
                .containsExactly(
                        tuple(null, "action", "too-many-actions"),
                        tuple(null, "rootCause", "blame"),
                        tuple(null, "contributingFactors", "blame"),
                        tuple(1, "action", "action-vague"),
                        tuple(1, "owner", "owner-not-a-person"),
                        tuple(1, "due", "due-invalid"),
                        tuple(1, "team", "team-unknown"),
                        tuple(2, "owner", "owner-missing"),
                        tuple(2, "due", "due-past"),
                        tuple(3, "action", "action-vigilance"),
                        tuple(3, "due", "due-missing"),
                        tuple(4, "action", "action-missing"));
    }

    @Test
    void everyMessageIsShortAndEndsASentence() {
        AgreedPostmortem pm = new AgreedPostmortem("Human error.", "", List.of(
                new ActionRow(1, "Investigate monitoring for this scenario", new Owner.Written("TBD"),
                        new Due.Written("next sprint"), "Nope"),
                new ActionRow(2, "Make sure engineers check the schema", new Owner.Written("Ann and Bob"),
                        new Due.On(TODAY.minusDays(1)), null),
                new ActionRow(3, "", new Owner.Missing(), new Due.Missing(), null),
                new ActionRow(4, "", new Owner.Missing(), new Due.On(TODAY.plusYears(1)), null)));
        assertThat(REVIEW.review(pm, TEAMS, TODAY)).isNotEmpty().allSatisfy(f -> {
            assertThat(f.message()).hasSizeLessThan(320).matches("(?s)[A-Z0-9'].*[.?]");
        });
    }

    @Nested
    class Normalised {

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
                "Add an alert                    | add an alert",
                "\"Add an alert.\"               | add an alert",
                "“Add an alert”                  | add an alert",
                "'Add an alert'!                 | add an alert",
                "`Add an alert`                  | add an alert",
                "- Add an alert;                 | add an alert",
                "• Add an alert…                 | add an alert",
                "(Add an alert)                  | add an alert",
                "Add an alert (see PM-12)        | add an alert (see pm-12)",
                "Rate-limit /login               | rate-limit /login",
                "ＡＤＤ　ａｎ　ａｌｅｒｔ         | add an alert",
                "Add an alert on max_connections | add an alert on max_connections",
                "Ⅻ ﬁle checks                    | xii file checks",
                "...                             | ''",
        })
        void lowerCaseCollapsedStrippedNfkc(String action, String expected) {
            assertThat(ActionReview.normalised(action)).isEqualTo(expected);
        }

        @Test
        void nullAndNonBreakingSpaces() {
            assertThat(ActionReview.normalised(null)).isEmpty();
            assertThat(ActionReview.normalised("Add\u00a0an\u2003alert\u200b")).isEqualTo("add an alert\u200b");
            assertThat(ActionReview.normalised("  Add   an\talert  \n")).isEqualTo("add an alert");
        }
    }

    @Nested
    class Configuration {

        @Test
        void unsetPropertiesKeepTheDefaults() {
            assertThat(ReviewRules.read(name -> null)).isEqualTo(ReviewRules.defaults());
            assertThat(ReviewRules.read(name -> " ")).isEqualTo(ReviewRules.defaults());
        }

        @Test
        void everyListAndLimitCanBeSet() {
            Map<String, String> properties = Map.of(
                    "actions.max-per-postmortem", "5",
                    "actions.min-words", "4",
                    "actions.due-far-after", "P90D",
                    "actions.weak-verbs", "Investigate, look into",
                    "actions.vague-phrases", "the issue",
                    "actions.vigilance-phrases", "remind*",
                    "actions.blame-phrases", "human error",
                    "actions.not-a-person", "TBD, ?, -");
            ReviewRules rules = ReviewRules.read(properties::get);
            assertThat(rules.maxPerPostmortem()).isEqualTo(5);
            assertThat(rules.minActionWords()).isEqualTo(4);
            assertThat(rules.dueFarAfter()).isEqualTo(Period.ofDays(90));
            assertThat(rules.weakVerbs()).containsExactly("investigate", "look into");
            assertThat(rules.vaguePhrases()).containsExactly("the issue");
            assertThat(rules.vigilancePhrases()).containsExactly("remind*");
            assertThat(rules.blamePhrases()).containsExactly("human error");
            assertThat(rules.notAPerson()).containsExactly("tbd", "?", "-");
        }

        @Test
        void defaultsExtendsTheDefaultList() {
            ReviewRules rules = ReviewRules.read(Map.of("actions.weak-verbs", "defaults, triage")::get);
            assertThat(rules.weakVerbs()).contains("investigate", "look into", "triage")
                    .hasSize(ReviewRules.defaults().weakVerbs().size() + 1);
        }

        @Test
        void aValueThatCannotWorkNamesTheProperty() {
            assertThatThrownBy(() -> ReviewRules.read(Map.of("actions.max-per-postmortem", "three")::get))
                    .hasMessageContaining("actions.max-per-postmortem");
            assertThatThrownBy(() -> ReviewRules.read(Map.of("actions.max-per-postmortem", "0")::get))
                    .hasMessageContaining("actions.max-per-postmortem");
            assertThatThrownBy(() -> ReviewRules.read(Map.of("actions.due-far-after", "180")::get))
                    .hasMessageContaining("actions.due-far-after").hasMessageContaining("P180D");
        }
    }
}
