package io.postmortembridge.jira;

import java.util.ArrayList;
import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.ExtendedStartupListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.postmortembridge.action.Team;
import io.postmortembridge.action.Teams;
import io.postmortembridge.failure.PermanentFailure;
import io.postmortembridge.failure.TransientFailure;

/**
 * At start, once the routes run: every team of the teams file names a project Jira has, a board it
 * has, and, without a board, a project with one scrum board at most. A mistake stops the start with
 * what to fix; Jira being unreachable does not (the first push finds out).
 */
public final class JiraTeamsCheck implements ExtendedStartupListener {

    private static final Logger LOG = LoggerFactory.getLogger(JiraTeamsCheck.class);

    private final Teams teams;
    private final JiraSprints sprints;
    private final String sprintMode;

    public JiraTeamsCheck(Teams teams, JiraSprints sprints, String sprintMode) {
        this.teams = teams;
        this.sprints = sprints;
        this.sprintMode = sprintMode;
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // the routes, the one way out to Jira among them, are not taking messages yet
    }

    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
        List<String> mistakes = new ArrayList<>();
        for (Team team : teams.all()) {
            try {
                sprints.checkTeam(team);
                sprints.choose(team, sprintMode);
            } catch (PermanentFailure e) {
                mistakes.add(e.getMessage());
            } catch (TransientFailure e) {
                LOG.warn("Could not check team {} in Jira at start ({}); its first push will", team.name(), e.getMessage());
            }
        }
        if (!mistakes.isEmpty()) {
            throw new IllegalArgumentException(teams.origin() + " does not match Jira: " + String.join("; ", mistakes));
        }
    }
}
