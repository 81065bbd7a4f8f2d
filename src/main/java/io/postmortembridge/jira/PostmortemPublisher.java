package io.postmortembridge.jira;

/** Makes a drafted post-mortem visible: as a Jira issue, or as a file in dry-run. Safe to call again. */
public interface PostmortemPublisher {

    /** @param postmortemId the post-mortem's id in the incident log, as the outbox payload carries it */
    void publish(long postmortemId);
}
