package io.postmortembridge.action;

import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How agreed actions are pushed.
 *
 * @param agreedLabel the label that marks a post-mortem issue's actions as agreed
 * @param sprint      active (the team's active sprint), next (its first future sprint) or backlog
 * @param priorities  incident priority (P1..P5) to Jira priority name; unmapped: Jira's default
 * @param labels      labels every action issue gets, besides its own idempotency label
 * @param zone        the time zone "today" is in, for due dates in the past
 * @param pushLease   how long one replica holds an incident's push before another may take it
 * @param rules       the review rules
 */
public record ActionSettings(String agreedLabel, String sprint, Map<String, String> priorities, List<String> labels,
        ZoneId zone, Duration pushLease, ReviewRules rules) {

    public static final List<String> SPRINT_MODES = List.of("active", "next", "backlog");

    public ActionSettings {
        priorities = Map.copyOf(priorities);
        labels = List.copyOf(labels);
        if (!SPRINT_MODES.contains(sprint)) {
            throw new IllegalArgumentException("actions.sprint must be one of " + SPRINT_MODES
                    + " (the team's active sprint, its first future sprint, or the backlog), not '" + sprint + "'");
        }
    }

    /** The configured labels and the action's own. */
    public List<String> labelsWith(String idempotencyLabel) {
        List<String> all = new ArrayList<>(labels);
        all.add(idempotencyLabel);
        return all;
    }
}
