package io.postmortembridge.incidentlog;

import java.time.LocalDate;

/**
 * A drafted post-mortem, rendered, ready to store.
 *
 * @param idempotencyLabel the Jira label that finds an issue already created for this incident
 */
public record PostmortemDraft(
        String idempotencyLabel, String title, String descriptionAdf, String descriptionMarkdown, LocalDate followUpOn) {
}
