package io.postmortembridge.timeline;

import java.time.Instant;

/**
 * One row of the draft's timeline.
 *
 * @param what   a sentence, unescaped; responders named by role unless names were asked for
 * @param signal true for what the tooling emitted (a page sent, an escalation that reached nobody)
 */
public record TimelineEntry(Instant at, String what, boolean signal) {
}
