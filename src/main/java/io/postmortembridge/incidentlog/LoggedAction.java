package io.postmortembridge.incidentlog;

import java.time.Instant;
import java.time.LocalDate;

/**
 * An action as the incident log holds it.
 *
 * @param actionKey        the hash of its normalised text: its identity within the incident
 * @param idempotencyLabel the Jira label that finds its issue again after a lost answer
 * @param status           refused, pending (to be created) or created
 * @param refusal          what to change, when refused
 * @param sprintName       the sprint's name, or why the issue went to the backlog
 * @param inSprint         the issue was moved into {@code sprintId}
 * @param createSentAt     a create was sent whose answer never came, or null
 */
public record LoggedAction(
        long id,
        long incidentId,
        String actionKey,
        String idempotencyLabel,
        int row,
        String text,
        String ownerAccountId,
        String ownerName,
        LocalDate due,
        String team,
        String project,
        String status,
        String refusal,
        String jiraKey,
        Long sprintId,
        String sprintName,
        boolean inSprint,
        Instant createSentAt) {

    public static final String REFUSED = "refused";
    public static final String PENDING = "pending";
    public static final String CREATED = "created";

    public boolean isCreated() {
        return jiraKey != null;
    }
}
