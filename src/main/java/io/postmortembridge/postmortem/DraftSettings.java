package io.postmortembridge.postmortem;

import java.time.Duration;
import java.time.Period;
import java.time.ZoneId;

/**
 * How drafts are written.
 *
 * @param followUpAfter when the follow-up review is due, counted from the resolution
 * @param zone          the time zone the draft's times are shown in
 * @param showNames     name responders instead of "on-call responder 1"
 * @param changeWindow  how long before the trigger a change or deploy is shown in the timeline
 */
public record DraftSettings(Period followUpAfter, ZoneId zone, boolean showNames, Duration changeWindow) {
}
