package io.postmortembridge.incident;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Times as sources write them, kept to what every supported database can store. A sender can write
 * year 999999999 in valid ISO-8601; such a time is unreadable here, not a database error later.
 */
public final class Instants {

    public static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");
    /** How messages describe the range. */
    public static final String RANGE = "between the years 1970 and 9999";

    private Instants() {
    }

    /** An ISO-8601 time with offset within the storable range, or null. */
    public static Instant parse(String value) {
        if (value == null) {
            return null;
        }
        try {
            return storable(OffsetDateTime.parse(value).toInstant());
        } catch (DateTimeParseException | ArithmeticException e) {
            return null;
        }
    }

    /** The instant itself when storable, else null. */
    public static Instant storable(Instant instant) {
        return instant == null || instant.isBefore(EARLIEST) || instant.isAfter(LATEST) ? null : instant;
    }
}
