package io.postmortembridge.incident;

import java.util.Locale;

public enum IncidentStatus {
    TRIGGERED, ACKNOWLEDGED, RESOLVED;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Null for values the source may add later: an unknown status is not a reason to drop an event. */
    public static IncidentStatus parse(String value) {
        if (value == null) {
            return null;
        }
        for (IncidentStatus status : values()) {
            if (status.id().equalsIgnoreCase(value)) {
                return status;
            }
        }
        return null;
    }
}
