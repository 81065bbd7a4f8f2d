package io.postmortembridge.server;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** Lets a log line through once per key (a client address) per minute, so no client can flood the log. */
final class OncePerMinute {

    private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);

    private final Map<String, Long> last = new ConcurrentHashMap<>();

    boolean first(String key) {
        long now = System.nanoTime();
        last.values().removeIf(then -> now - then >= MINUTE);
        return last.putIfAbsent(key, now) == null;
    }
}
