package io.postmortembridge.action;

/**
 * What a review rule found, said so that the person who wrote the post-mortem knows what to change.
 *
 * @param row      the Actions table row it is about, or null for the root cause and contributing factors
 * @param field    action, owner, due, team, rootCause or contributingFactors
 * @param rule     the rule's stable id, e.g. {@code action-vague}
 * @param severity errors keep their row from being pushed; warnings never block
 * @param message  what is wrong and what to write instead
 */
public record Finding(Integer row, String field, String rule, Severity severity, String message) {

    public enum Severity {
        ERROR, WARNING;

        /** As the API and comments write it: error, warning. */
        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }
}
