package io.postmortembridge.server;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.function.Function;

/**
 * How long the business HTTP server waits on a client before it gives up on the connection.
 *
 * @param idle how long a connection may wait with no request on it: from opening, or from its previous
 *             answer, until the first byte of the next request
 * @param read from the first byte of a request until its body is complete
 */
record ServerTimeouts(Duration idle, Duration read) {

    static final String IDLE = "server.idle-timeout";
    static final String READ = "server.read-timeout";

    /** @param property resolves a property, "" when unset */
    static ServerTimeouts read(Function<String, String> property) {
        return new ServerTimeouts(duration(property, IDLE, "PT65S"), duration(property, READ, "PT2S"));
    }

    private static Duration duration(Function<String, String> property, String key, String example) {
        String value = property.apply(key).strip();
        Duration duration;
        try {
            duration = Duration.parse(value);
        } catch (DateTimeParseException e) {
            duration = null;
        }
        if (duration == null || duration.isNegative() || duration.toMillis() < 1) {
            throw new IllegalArgumentException(key + " must be a positive ISO-8601 duration such as " + example
                    + ", not '" + value + "'");
        }
        return duration;
    }
}
