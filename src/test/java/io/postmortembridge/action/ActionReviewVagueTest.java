package io.postmortembridge.action;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.postmortembridge.action.ActionRow.Due;
import io.postmortembridge.action.ActionRow.Owner;
import io.postmortembridge.action.Finding.Severity;

/**
 * {@code action-vague}: actions that cannot be checked off as done, and many good ones (several in the
 * style of public post-mortems: the Google SRE book's example, GitLab's 2017 database incident,
 * Cloudflare's 2019 WAF outage, AWS's 2017 S3 outage, Atlassian's 2022 site deletion) that must pass.
 */
class ActionReviewVagueTest {

    private static final LocalDate TODAY = LocalDate.of(2026, 3, 2);
    private static final ActionReview REVIEW = new ActionReview(ReviewRules.defaults());

    static List<Finding> vagueFindings(String action) {
        ActionRow row = new ActionRow(1, action, new Owner.Written("Ann Lee"), new Due.On(TODAY.plusDays(20)), null);
        return REVIEW.review(new AgreedPostmortem("", "", List.of(row)), Set.of("Payments", "Platform"), TODAY)
                .stream().filter(f -> f.rule().equals("action-vague")).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            // the task's own examples
            "Add an alert when checkout-api returns more than 1% 5xx for 5 minutes",
            "Reject malformed postal codes in the address form",
            "Add a runbook for restoring the primary database from backup",
            "Alert when replication lag exceeds 5 minutes",
            "Move the backup verification into a daily job that restores to staging",
            "Rate-limit the /login endpoint to 10 requests per second per IP",
            "Remove the ability to run DELETE without a WHERE clause in the admin console",
            // Google SRE book, example post-mortem
            "Update playbook with instructions for responding to cascading failure",
            "Use flux capacitor to balance load between clusters",
            "Schedule cascading failure test during next DiRT",
            "Investigate running index MR/fusion continuously",
            "Plug file descriptor leak in search ranking subsystem",
            "Add load shedding capabilities to Shakespeare search",
            "Build regression tests to ensure servers respond sanely to queries of death",
            "Deploy updated search ranking subsystem to prod",
            // GitLab, 2017 database incident
            "Update PS1 across all hosts to more clearly differentiate between hosts and environments",
            "Add Prometheus monitoring for backups",
            "Set PostgreSQL's max_connections to a sane value",
            "Take hourly LVM snapshots of the production databases",
            "Automate testing of restoring PostgreSQL database backups",
            "Assign an owner for data durability",
            "Investigate pg_basebackup timeout issues",
            "Show the hostname and environment in the shell prompt on every production host",
            // Cloudflare, 2019 WAF outage
            "Re-introduce the excessive CPU usage protection that got removed",
            "Change the rollout process for WAF rules to a staged rollout",
            "Add the ability to globally kill WAF rules without depending on the control plane",
            "Add profiling to detect regex backtracking in WAF rules before deploy",
            // AWS, 2017 S3 outage
            "Remove capacity more slowly in the S3 subsystem tool",
            "Add a safeguard against removing capacity below the minimum each subsystem needs",
            "Audit other operational tools for similar safety checks",
            "Split the index subsystem into smaller partitions to reduce recovery time",
            // Atlassian, 2022 site deletion
            "Require a second approval for bulk site deletions",
            "Make the site deletion API mark sites for deletion with a 14-day soft delete",
            "Block any single operation from deleting more than 10 sites",
            // more, in the same spirit
            "Page the on-call when the certificate for api.example.com expires in less than 14 days",
            "Add a pre-deploy check that parses the schema",
            "Enable automatic failover for the orders Redis cluster",
            "Set a 2-second connect timeout on the payment-gateway HTTP client",
            "Add a circuit breaker around calls to the fraud-scoring service",
            "Block merges to main when the migration lint fails",
            "Restore the nightly backup to staging every day and alert if it fails",
            "Drain a node before the kernel upgrade script reboots it",
            "Document the manual failover steps for the billing database in the runbook",
            "Add retries with exponential backoff to the webhook sender",
            "Cap the import job at 500 rows per batch",
            "Delete the unused admin credentials from the legacy VPN",
            "Rotate the leaked GitHub token and move it to the secrets manager",
            "Add a canary stage that sends 5% of traffic to the new build for 30 minutes",
            "Make the deploy pipeline roll back automatically when the error rate exceeds 2%",
            "Write a load test that replays Black Friday traffic against checkout",
            "Alert on disk usage above 85% on all Kafka brokers",
            "Fail the build when a Helm chart sets no memory limit",
            "Add the missing index on orders.customer_id",
            "Require two-person approval for production database restores",
            "Turn off the legacy cron job that purges sessions",
            "Show a confirmation dialog naming the database before any DROP in the admin console",
            "Review alert thresholds for checkout-api against the last 30 days of traffic",
            "Monitor disk usage on db-primary and page at 90%",
            "Investigate why the 2026-02-27 deploy of auth-service skipped the canary",
            "Check the TLS certificate expiry of all public endpoints daily",
            "Migrate the session store from Memcached to Redis",
            "Add a readiness probe to the search-indexer deployment",
            "Back up the Vault storage backend every hour",
            "Disable the DELETE endpoint on the public API",
            "Add a regression test so this does not happen again",
            "Fix the bug in the postal code validation",
            "Add retries to the email client going forward",
            "We should add a lint rule that rejects `SELECT *` in migrations",
            "- Add a dead-man's switch alert for the nightly export job",
            "Enable MFA on the AWS root account",
            "Upgrade checkout-api",
            "Fix PM-123",
            "Make sure the `orders` topic has a consumer-lag alert",
            "Investigate Kafka consumer lag on the payments cluster",
            "Restrict production SSH access to the bastion host",
            "Add an SLO for search latency and page when the error budget burns 10x",
    })
    void goodActionsAreNotVague(String action) {
        assertThat(vagueFindings(action)).as(action).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "Investigate monitoring for this scenario",
            "Fix the issue that caused the outage",
            "Look into the alerts",
            "Improve monitoring",
            "Better monitoring and alerting",
            "Make sure this doesn't happen again",
            "Prevent this from happening again",
            "Consider adding more tests",
            "Review the process",
            "Monitor the situation",
            "Follow up with the vendor",
            "Follow up with the vendor in 2 weeks",
            "Discuss with the team",
            "Think about better alerting",
            "Explore options for redundancy",
            "Investigate root cause",
            "Try to reduce alert noise",
            "Improve the deployment process going forward",
            "Add more monitoring",
            "Fix it",
            "Monitoring",
            "Evaluate our backup strategy",
            "Revisit the architecture",
            "Research alternatives",
            "Understand why it happened",
            "Check everything",
            "Avoid similar incidents in the future",
            "Add safeguards to prevent this",
            "Update the runbook",
            "Should we add retries?",
            "Be more resilient",
            "Document the incident",
            "Address the problem",
            "Automate this",
            "Look at improving reliability",
            "Clean things up",
            "Investigate DNS",
            "We need to look into this",
            "TBD",
            "Investigating the outage",
            "Add alerting",
            "Better testing by Q3",
    })
    void vagueActionsAreErrors(String action) {
        assertThat(vagueFindings(action)).as(action).singleElement()
                .satisfies(f -> {
                    assertThat(f.severity()).isEqualTo(Severity.ERROR);
                    assertThat(f.field()).isEqualTo("action");
                    assertThat(f.row()).isEqualTo(1);
                });
    }

    /** Each signal that an action names something precisely rescues an open-ended first word. */
    @ParameterizedTest
    @ValueSource(strings = {
            "Investigate checkout-api timeouts",            // hyphenated identifier
            "Investigate db.primary failovers",             // dotted name
            "Investigate max_connections",                  // snake_case
            "Investigate PostgreSQL vacuum stalls",         // CamelCase
            "Investigate the 'orders' queue",               // quoted
            "Investigate the `orders` queue",               // backticked
            "Investigate “orders” queue stalls",            // typographic quotes
            "Investigate slow /checkout responses",         // path
            "Look into https://status.example.com outages", // URL
            "Investigate OPS-4411",                         // issue key
            "Investigate p99 latency",                      // number
            "Investigate queue stalls above 80%",           // threshold
            "Review the alert thresholds weekly",           // frequency
            "Check the restore on every release",           // frequency
    })
    void somethingNamedPreciselyRescuesAnOpenEndedVerb(String action) {
        assertThat(vagueFindings(action)).as(action).isEmpty();
    }

    /** Hyphenated English words, abbreviations, deadlines and team names do not name a system. */
    @ParameterizedTest
    @ValueSource(strings = {
            "Investigate follow-up items",
            "Investigate long-term options",
            "Look into on-call load",
            "Investigate read/write and/or other options",
            "Investigate, e.g. retries",
            "Investigate options in 2 weeks",
            "Investigate options by 2026-04-01",
            "Investigate options by Q3",
            "Review alerting with Payments",
            "Investigate Monitoring For This Scenario",
            "Look into DNS",
    })
    void whatDoesNotNameASystemDoesNotRescue(String action) {
        assertThat(vagueFindings(action)).as(action).hasSize(1);
    }

    @Test
    void anOpenEndedFirstWordIsQuotedWithARewritePattern() {
        String message = vagueFindings("Investigate monitoring for this scenario").get(0).message();
        assertThat(message)
                .contains("'Investigate'")
                .contains("'this scenario'")
                .contains("name the system and the check")
                .contains("e.g. 'Add an alert when <service>");
    }

    @Test
    void aGenericObjectIsQuotedAndAConcreteExampleGiven() {
        String message = vagueFindings("Fix the issue that caused the outage").get(0).message();
        assertThat(message)
                .contains("'the issue'")
                .contains("'the outage'")
                .contains("no system or check")
                .contains("Reject malformed postal codes");
    }

    @Test
    void aShortActionIsCalledShort() {
        assertThat(vagueFindings("Monitoring").get(0).message())
                .contains("'Monitoring' is too short")
                .contains("start with what will change");
    }

    @Test
    void aQuestionAsksForTheDecision() {
        assertThat(vagueFindings("Should we add retries?").get(0).message())
                .contains("is a question")
                .contains("write what was decided");
    }

    @Test
    void theExampleFitsWhatTheActionIsAbout() {
        assertThat(vagueFindings("Update the runbook").get(0).message()).contains("Add a runbook step for");
        assertThat(vagueFindings("Consider adding more tests").get(0).message()).contains("Add a test that fails");
        assertThat(vagueFindings("Evaluate our backup strategy").get(0).message()).contains("Restore <database>");
    }

    @Test
    void aDeadlineIsNotWhatMakesAnActionSpecific() {
        assertThat(vagueFindings("Follow up with the vendor in 2 weeks")).hasSize(1);
        assertThat(vagueFindings("Follow up with the vendor about ticket VEND-4411")).isEmpty();
    }

    @Test
    void theListsCanBeChanged() {
        ReviewRules strict = ReviewRules.defaults();
        ReviewRules withTriage = new ReviewRules(strict.maxPerPostmortem(), strict.minActionWords(),
                strict.dueFarAfter(), List.of("triage"), strict.vaguePhrases(), strict.vigilancePhrases(),
                strict.blamePhrases(), strict.notAPerson());
        ActionRow row = new ActionRow(1, "Triage the flaky login tests", new Owner.Written("Ann Lee"),
                new Due.On(TODAY.plusDays(3)), null);
        AgreedPostmortem pm = new AgreedPostmortem("", "", List.of(row));
        assertThat(new ActionReview(withTriage).review(pm, Set.of(), TODAY))
                .extracting(Finding::rule).containsExactly("action-vague");
        assertThat(REVIEW.review(pm, Set.of(), TODAY)).isEmpty();

        ActionRow investigate = new ActionRow(1, "Investigate the flaky login tests", new Owner.Written("Ann Lee"),
                new Due.On(TODAY.plusDays(3)), null);
        assertThat(new ActionReview(withTriage).review(new AgreedPostmortem("", "", List.of(investigate)),
                Set.of(), TODAY)).isEmpty();
    }
}
