package io.postmortembridge.jira;

/**
 * Where a team's actions go: a sprint, or the project's backlog.
 *
 * @param sprintId   the sprint's id; null for the backlog
 * @param sprintName the sprint's name; null for the backlog
 * @param reason     why: which board and sprint was chosen, or why the actions go to the backlog
 */
public record SprintChoice(Long sprintId, String sprintName, String reason) {

    public static SprintChoice sprint(long id, String name, String reason) {
        return new SprintChoice(id, name, reason);
    }

    public static SprintChoice backlog(String reason) {
        return new SprintChoice(null, null, reason);
    }

    /** The issues are created in the project and left out of any sprint. */
    public boolean isBacklog() {
        return sprintId == null;
    }
}
