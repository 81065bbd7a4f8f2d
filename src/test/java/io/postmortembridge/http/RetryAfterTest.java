package io.postmortembridge.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** Retry-After as RFC 9110 defines it (delay-seconds or HTTP-date) and PagerDuty's ratelimit-reset. */
class RetryAfterTest {

    private static final Instant NOW = Instant.parse("2026-04-01T02:00:00Z");

    @Test
    void secondsAreReadAsADelay() {
        assertThat(RetryAfter.parse("120", null, NOW)).isEqualTo(Duration.ofSeconds(120));
        assertThat(RetryAfter.parse("0", null, NOW)).isEqualTo(Duration.ZERO);
        assertThat(RetryAfter.parse(" 30 ", null, NOW)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void httpDateInTheFutureIsTheTimeUntilThen() {
        assertThat(RetryAfter.parse("Wed, 01 Apr 2026 02:00:45 GMT", null, NOW)).isEqualTo(Duration.ofSeconds(45));
        assertThat(RetryAfter.parse("  Wed, 01 Apr 2026 02:10:00 GMT ", null, NOW)).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void httpDateInThePastMeansNoWait() {
        assertThat(RetryAfter.parse("Tue, 31 Mar 2026 23:59:59 GMT", null, NOW)).isEqualTo(Duration.ZERO);
        assertThat(RetryAfter.parse("Wed, 01 Apr 2026 02:00:00 GMT", null, NOW)).isEqualTo(Duration.ZERO);
    }

    @Test
    void retryAfterWinsOverRateLimitReset() {
        assertThat(RetryAfter.parse("5", "50", NOW)).isEqualTo(Duration.ofSeconds(5));
        assertThat(RetryAfter.parse("Wed, 01 Apr 2026 02:00:07 GMT", "50", NOW)).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void rateLimitResetIsTheFallback() {
        assertThat(RetryAfter.parse(null, "17", NOW)).isEqualTo(Duration.ofSeconds(17));
        assertThat(RetryAfter.parse("soon", "17", NOW)).isEqualTo(Duration.ofSeconds(17));
        assertThat(RetryAfter.parse("", " 17 ", NOW)).isEqualTo(Duration.ofSeconds(17));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"soon", "   ", "-5", "1.5", "5s", "0x10", "1e3", "+30", "2026-04-01T02:00:45Z",
            "Wed, 32 Apr 2026 02:00:45 GMT", "Thu, 01 Apr 2026 02:00:45 GMT"})
    void garbageSaysNothing(String garbage) {
        assertThat(RetryAfter.parse(garbage, null, NOW)).isNull();
        assertThat(RetryAfter.parse(null, garbage, NOW)).isNull();
        assertThat(RetryAfter.parse(garbage, garbage, NOW)).isNull();
    }

    @Test
    void rateLimitResetIsNotReadAsADate() {
        assertThat(RetryAfter.parse(null, "Wed, 01 Apr 2026 02:00:45 GMT", NOW)).isNull();
    }

    @Test
    void longWaitsAreCappedAtOneHour() {
        assertThat(RetryAfter.parse("3600", null, NOW)).isEqualTo(Duration.ofHours(1));
        assertThat(RetryAfter.parse("3601", null, NOW)).isEqualTo(Duration.ofHours(1));
        assertThat(RetryAfter.parse("86400", null, NOW)).isEqualTo(Duration.ofHours(1));
        assertThat(RetryAfter.parse("999999999", null, NOW)).isEqualTo(Duration.ofHours(1));
        assertThat(RetryAfter.parse("Sat, 04 Apr 2026 02:00:00 GMT", null, NOW)).isEqualTo(Duration.ofHours(1));
        assertThat(RetryAfter.parse(null, "7200", NOW)).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void waitsJustUnderTheCapAreKept() {
        assertThat(RetryAfter.parse("3599", null, NOW)).isEqualTo(Duration.ofSeconds(3599));
        assertThat(RetryAfter.parse("Wed, 01 Apr 2026 02:59:59 GMT", null, NOW)).isEqualTo(Duration.ofSeconds(3599));
    }

    @Test
    void absurdlyLongRetryAfterIsCappedRatherThanIgnored() {
        assertThat(RetryAfter.parse("99999999999999999999", null, NOW)).isEqualTo(Duration.ofHours(1));
    }
}
