package io.postmortembridge.http;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * How long a vendor asked us to wait: {@code Retry-After} in seconds or as an HTTP date (RFC 9110),
 * or PagerDuty's {@code ratelimit-reset} in seconds.
 */
public final class RetryAfter {

    /** A header promising a wait of days is broken; it must not park work for that long. */
    static final Duration LONGEST = Duration.ofHours(1);

    private RetryAfter() {
    }

    /** Null when neither header says anything usable. */
    public static Duration parse(String retryAfter, String rateLimitReset, Instant now) {
        Duration asked = seconds(retryAfter);
        if (asked == null && retryAfter != null) {
            asked = httpDate(retryAfter.strip(), now);
        }
        if (asked == null) {
            asked = seconds(rateLimitReset);
        }
        return asked == null ? null : asked.compareTo(LONGEST) > 0 ? LONGEST : asked;
    }

    private static Duration seconds(String value) {
        if (value == null || !value.strip().matches("\\d+")) {
            return null;
        }
        String digits = value.strip();
        return digits.length() > 9 ? LONGEST : Duration.ofSeconds(Long.parseLong(digits));
    }

    /** The IMF-fixdate every current server sends; RFC 9110's obsolete forms are not read. */
    private static Duration httpDate(String value, Instant now) {
        try {
            Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO;
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
