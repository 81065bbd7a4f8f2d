package io.postmortembridge.logging;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Lets a message through at most once per period (per key, such as a client address) and counts the
 * ones it held back, so an outage that fails a thousand requests a second, or a client that keeps
 * sending what is refused, logs one line a period that says how many.
 */
public final class OncePer {

    private final Duration period;
    private final Clock clock;
    private final Map<String, Window> windows = new HashMap<>();

    public OncePer(Duration period, Clock clock) {
        this.period = period;
        this.clock = clock;
    }

    /** -1: stay quiet; otherwise how many messages were held back since the last one let through. */
    public long tryAcquire() {
        return tryAcquire("");
    }

    /** As {@link #tryAcquire()}, counted for one key apart from the others. */
    public synchronized long tryAcquire(String key) {
        Instant now = clock.instant();
        // other keys fall out once their period is over, so a stream of new client addresses cannot grow the map
        windows.entrySet().removeIf(e -> !e.getKey().equals(key) && !now.isBefore(e.getValue().opened.plus(period)));
        Window window = windows.get(key);
        if (window != null && now.isBefore(window.opened.plus(period))) {
            window.held++;
            return -1;
        }
        windows.put(key, new Window(now));
        return window == null ? 0 : window.held;
    }

    private static final class Window {
        final Instant opened;
        long held;

        Window(Instant opened) {
            this.opened = opened;
        }
    }
}
