package io.postmortembridge.action;

import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A team of {@code config/teams.yaml}: where its actions go in Jira.
 *
 * @param name      how post-mortems and the file name it, e.g. payments
 * @param project   the Jira project key its actions are created in, e.g. PAY
 * @param board     the scrum board whose sprints its actions join; null for the project's only scrum board
 * @param services  the incident services it owns, by id or name
 * @param issueType the issue type of its actions (default Task)
 * @param fields    extra fields its project requires on create; empty when none
 */
public record Team(String name, String project, Long board, List<String> services, String issueType,
        ObjectNode fields) {

    public Team {
        services = List.copyOf(services);
        fields = fields == null ? null : fields.deepCopy();
    }

    /** The extra fields, a copy the caller may change. */
    @Override
    public ObjectNode fields() {
        return fields == null ? null : fields.deepCopy();
    }
}
