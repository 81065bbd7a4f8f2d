package io.postmortembridge.action;

import java.util.List;

/**
 * What the review meeting agreed, as the facilitator wrote it: the root cause, the contributing
 * factors and the rows of the Actions table, before any of it is checked.
 *
 * @param rootCause           the text under "Root cause", without the template's prompt; "" when blank
 * @param contributingFactors the text under "Contributing factors", without the template's prompt; "" when blank
 * @param rows                the Actions table's rows that hold anything, in table order
 */
public record AgreedPostmortem(String rootCause, String contributingFactors, List<ActionRow> rows) {

    public AgreedPostmortem {
        rootCause = rootCause == null ? "" : rootCause;
        contributingFactors = contributingFactors == null ? "" : contributingFactors;
        rows = List.copyOf(rows);
    }
}
