package io.postmortembridge.jira;

import java.util.List;
import java.util.Map;

/**
 * What Jira made of each issue of one bulk create, in the order the issues were sent.
 *
 * @param results one per issue sent: index i is the i-th issue of the request
 */
public record BulkCreateOutcome(List<Result> results) {

    public BulkCreateOutcome {
        results = List.copyOf(results);
    }

    /** One issue's fate. */
    public sealed interface Result {
    }

    /** Jira created it. */
    public record Created(String key) implements Result {
    }

    /**
     * Jira refused it and created nothing for it.
     *
     * @param status      the status Jira gave that element (400 for invalid fields)
     * @param fieldErrors field id to Jira's message, e.g. {@code customfield_10020 -> Sprint is required}
     * @param messages    Jira's messages that name no field
     */
    public record Refused(int status, Map<String, String> fieldErrors, List<String> messages) implements Result {
        public Refused {
            fieldErrors = Map.copyOf(fieldErrors);
            messages = List.copyOf(messages);
        }

        /** Rate limiting or trouble on Jira's side: the same element may pass when sent again. */
        public boolean isTransient() {
            return status == 429 || status == 408 || status >= 500;
        }

        /** Jira's messages, each field error as {@code field: message}, on one line. */
        public String describe() {
            StringBuilder text = new StringBuilder();
            messages.forEach(m -> text.append(text.length() == 0 ? "" : "; ").append(m));
            fieldErrors.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
                    text.append(text.length() == 0 ? "" : "; ").append(e.getKey()).append(": ").append(e.getValue()));
            return text.length() == 0 ? "HTTP " + status + " without a message" : text.toString();
        }
    }

    public Result get(int index) {
        return results.get(index);
    }

    public int size() {
        return results.size();
    }

    /** The keys of the issues made, in request order. */
    public List<String> createdKeys() {
        return results.stream().filter(Created.class::isInstance).map(r -> ((Created) r).key()).toList();
    }

    public boolean allCreated() {
        return results.stream().allMatch(Created.class::isInstance);
    }
}
