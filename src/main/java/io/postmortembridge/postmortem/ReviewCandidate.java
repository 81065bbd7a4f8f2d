package io.postmortembridge.postmortem;

/**
 * The facts the review rule in {@code routes/postmortem-draft.yaml} decides on. Properties are
 * read there as {@code ${body.priority}}, {@code ${body.openMinutes}} and so on.
 *
 * @param name        how the log refers to the incident, e.g. "PagerDuty incident PCPZE64"
 * @param priority    "P1".."P5" as the source names them, or null when none was set
 * @param urgency     "high" or "low", or null
 * @param openMinutes from trigger to resolution, or null when either end is unknown
 * @param escalations how many times the incident was escalated
 */
public record ReviewCandidate(
        long incidentId, String name, String title, String priority, String urgency, Long openMinutes,
        long escalations) {

    /** The facts, in words, for the log line that says why no review was needed. */
    public String factsInWords() {
        return "priority " + (priority == null ? "none" : priority)
                + ", urgency " + (urgency == null ? "unknown" : urgency)
                + ", " + (openMinutes == null ? "open time unknown" : "open " + openMinutes + " min")
                + ", " + (escalations == 0 ? "never escalated" : "escalated " + escalations + " time(s)");
    }
}
