package io.postmortembridge.timeline;

import java.time.Duration;

/**
 * The intervals a review looks at first. Each is null when the timeline does not show both ends.
 *
 * @param lastChange the change or deploy closest before the trigger, if one was recorded
 */
public record Gaps(Duration changeToTrigger, String lastChange, Duration triggerToAcknowledge, Duration triggerToResolve) {
}
