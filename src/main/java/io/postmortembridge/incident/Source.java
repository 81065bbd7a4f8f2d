package io.postmortembridge.incident;

import java.util.Locale;

/** Where an incident comes from. */
public enum Source {
    PAGERDUTY("PagerDuty"),
    OPSGENIE("Opsgenie");

    private final String displayName;

    Source(String displayName) {
        this.displayName = displayName;
    }

    /** The lower-case id used in the incident log and in labels. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String displayName() {
        return displayName;
    }

    public static Source fromId(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }
}
