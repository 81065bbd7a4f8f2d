package io.postmortembridge.server;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.function.Function;

/**
 * How long the business HTTP server waits on a client before it gives up on the connection.
 *
 * @param idle from a connection opening, or its previous answer being sent, until the next request's
 *             headers have arrived
 * @param body from a request's headers having arrived until its body has
 */
record ServerTimeouts(Duration idle, Duration body) {

    static final String IDLE = "server.idle-timeout";
    static final String BODY = "server.body-timeout";

    /** @param property resolves a property, "" when unset */
    static ServerTimeouts read(Function<String, String> property) {
        return new ServerTimeouts(duration(property, IDLE, "PT3S"), duration(property, BODY, "PT2S"));
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
