package io.postmortembridge.logging;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Lets a message through at most once per period and counts the ones it held back, so an outage
 * that fails a thousand requests a second logs one line a minute that says how many.
 */
public final class OncePer {

    private final Duration period;
    private final Clock clock;
    private Instant last;
    private long held;

    public OncePer(Duration period, Clock clock) {
        this.period = period;
        this.clock = clock;
    }

    /** -1: stay quiet; otherwise how many messages were held back since the last one let through. */
    public synchronized long tryAcquire() {
        Instant now = clock.instant();
        if (last != null && now.isBefore(last.plus(period))) {
            held++;
            return -1;
        }
        long before = held;
        last = now;
        held = 0;
        return before;
    }
}
