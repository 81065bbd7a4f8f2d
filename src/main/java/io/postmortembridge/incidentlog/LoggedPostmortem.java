package io.postmortembridge.incidentlog;

import java.time.Instant;
import java.time.LocalDate;

/**
 * A post-mortem as the log holds it.
 *
 * @param location            where it went: the Jira issue's URL, or the dry-run file
 * @param createUnconfirmedAt when a create of its Jira issue was sent whose answer never came, or null
 */
public record LoggedPostmortem(
        long id,
        long incidentId,
        String idempotencyLabel,
        String title,
        String descriptionAdf,
        String descriptionMarkdown,
        LocalDate followUpOn,
        PostmortemStatus status,
        String jiraKey,
        String location,
        String lastError,
        Instant createUnconfirmedAt) {
}
