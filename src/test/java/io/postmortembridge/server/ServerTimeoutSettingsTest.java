package io.postmortembridge.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.postmortembridge.testsupport.RunningBridge;

/** A timeout that cannot work stops the start, naming the setting. */
class ServerTimeoutSettingsTest {

    @Test
    void idleTimeoutThatIsNotADurationStopsTheStart() {
        Map<String, String> properties = RunningBridge.defaults(RunningBridge.workDir("timeouts"));
        properties.put("server.idle-timeout", "3s");

        assertThatThrownBy(() -> RunningBridge.start(properties))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("server.idle-timeout must be a positive ISO-8601 duration such as PT65S, not '3s'");
    }

    @Test
    void ReadTimeoutOfZeroStopsTheStart() {
        Map<String, String> properties = RunningBridge.defaults(RunningBridge.workDir("timeouts"));
        properties.put("server.read-timeout", "PT0S");

        assertThatThrownBy(() -> RunningBridge.start(properties))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("server.read-timeout must be a positive ISO-8601 duration such as PT2S, not 'PT0S'");
    }

    @Test
    void timeoutsAreReadAsDurations() {
        ServerTimeouts timeouts = ServerTimeouts.read(Map.of("server.idle-timeout", "PT1M",
                "server.read-timeout", " PT0.25S ")::get);

        assertThat(timeouts.idle()).hasSeconds(60);
        assertThat(timeouts.read()).hasMillis(250);
    }
}
