package io.postmortembridge.jira;

import java.util.List;
import java.util.Optional;

import io.postmortembridge.action.ActionReview;
import io.postmortembridge.action.Finding;

/** Who an action's owner cell names in Jira, if anyone. */
public sealed interface OwnerLookup {

    /**
     * What the review says when the owner is not one Jira user (owner-unknown, owner-ambiguous);
     * empty when they were found.
     *
     * @param written the owner as the table row wrote it
     */
    default Optional<Finding> finding(int row, String written) {
        if (this instanceof Unknown) {
            return Optional.of(ActionReview.ownerUnknown(row, written));
        }
        if (this instanceof Ambiguous ambiguous) {
            return Optional.of(ActionReview.ownerAmbiguous(row, written, ambiguous.candidates()));
        }
        return Optional.empty();
    }

    /** One active Jira user: the action can be assigned to them. */
    record Found(String accountId, String displayName) implements OwnerLookup {
    }

    /**
     * No active Jira user matches what was written (or the cell was empty). Jira answers a search by
     * an account without the Browse users and groups global permission with no users at all, so
     * every owner being unknown can also mean that permission is missing.
     */
    record Unknown(String written) implements OwnerLookup {
    }

    /**
     * Several active Jira users match (or several people were mentioned): the post-mortem has to
     * name one.
     *
     * @param candidates display names of those users, at most five
     */
    record Ambiguous(String written, List<String> candidates) implements OwnerLookup {
        public Ambiguous {
            candidates = List.copyOf(candidates);
        }
    }
}
