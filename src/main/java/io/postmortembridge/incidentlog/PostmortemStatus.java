package io.postmortembridge.incidentlog;

import java.util.Locale;

/** Where a post-mortem draft stands. */
public enum PostmortemStatus {
    /** Drafted and stored; the Jira issue is yet to be created. */
    DRAFTED,
    /** The Jira issue exists; its key is recorded. */
    PUBLISHED,
    /** Written as Markdown only, because no Jira is configured. */
    DRY_RUN,
    /** Jira refused the issue; the error says what to change. */
    REJECTED;

    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static PostmortemStatus fromId(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
