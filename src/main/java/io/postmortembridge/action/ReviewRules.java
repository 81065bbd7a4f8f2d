package io.postmortembridge.action;

import java.time.Period;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * What the review of agreed actions accepts. Every list and limit can be set in configuration
 * ({@link #read}); {@link #defaults()} is what the service uses when nothing is set.
 *
 * @param maxPerPostmortem  how many actions one post-mortem may have; more is an error on the whole post-mortem
 * @param minActionWords    an action with fewer words is too short to be verifiable, unless it names something
 *                          precisely (a number, an identifier such as checkout-api, a path, a quoted name)
 * @param dueFarAfter       a due date further than this from today is a warning; null or zero: no such warning
 * @param weakVerbs         first words that leave an action's result open (investigate, look into, improve,
 *                          better, ...); inflections are matched (investigating), a trailing * matches any ending
 * @param vaguePhrases      words and phrases that name nothing on their own ("the issue", "this scenario",
 *                          "going forward", "monitoring"): an action with nothing else is vague
 * @param vigilancePhrases  wording that relies on people being more careful ("remind", "make sure engineers")
 * @param blamePhrases      root-cause wording that makes a person the cause ("human error", "forgot to")
 * @param notAPerson        owner cells that are not one person (TBD, on-call, the team, ...), compared whole,
 *                          ignoring case
 */
public record ReviewRules(
        int maxPerPostmortem,
        int minActionWords,
        Period dueFarAfter,
        List<String> weakVerbs,
        List<String> vaguePhrases,
        List<String> vigilancePhrases,
        List<String> blamePhrases,
        List<String> notAPerson) {

    /** In a configured list, this item stands for the default list, so that a list can be extended. */
    public static final String DEFAULTS_ITEM = "defaults";

    public ReviewRules {
        if (maxPerPostmortem < 1) {
            throw new IllegalArgumentException("actions.max-per-postmortem must be at least 1, not "
                    + maxPerPostmortem);
        }
        if (minActionWords < 1) {
            throw new IllegalArgumentException("actions.min-words must be at least 1, not " + minActionWords);
        }
        if (dueFarAfter != null && dueFarAfter.isNegative()) {
            throw new IllegalArgumentException("actions.due-far-after must not be negative, not " + dueFarAfter);
        }
        if (dueFarAfter != null && dueFarAfter.isZero()) {
            dueFarAfter = null;
        }
        weakVerbs = clean(weakVerbs);
        vaguePhrases = clean(vaguePhrases);
        vigilancePhrases = clean(vigilancePhrases);
        blamePhrases = clean(blamePhrases);
        notAPerson = clean(notAPerson);
    }

    /** The defaults: at most 3 actions, at least 3 words, a warning past 180 days, and the lists in {@code Wording}. */
    public static ReviewRules defaults() {
        return new ReviewRules(3, 3, Period.ofDays(180), Wording.WEAK_VERBS, Wording.VAGUE_PHRASES,
                Wording.VIGILANCE_PHRASES, Wording.BLAME_PHRASES, Wording.NOT_A_PERSON);
    }

    /**
     * Reads the rules from configuration; a property that is unset or blank keeps its default.
     * <ul>
     * <li>{@code actions.max-per-postmortem} (3), {@code actions.min-words} (3),
     * {@code actions.due-far-after} (P180D; P0D turns the warning off)</li>
     * <li>{@code actions.weak-verbs}, {@code actions.vague-phrases}, {@code actions.vigilance-phrases},
     * {@code actions.blame-phrases}, {@code actions.not-a-person}: comma-separated; the item
     * {@code defaults} stands for the default list ({@code defaults, triage} adds one word)</li>
     * </ul>
     *
     * @param property resolves a property, "" or null when unset
     * @throws IllegalArgumentException naming the property when a value cannot work
     */
    public static ReviewRules read(Function<String, String> property) {
        ReviewRules d = defaults();
        return new ReviewRules(
                integer(property, "actions.max-per-postmortem", d.maxPerPostmortem()),
                integer(property, "actions.min-words", d.minActionWords()),
                period(property, "actions.due-far-after", d.dueFarAfter()),
                list(property, "actions.weak-verbs", d.weakVerbs()),
                list(property, "actions.vague-phrases", d.vaguePhrases()),
                list(property, "actions.vigilance-phrases", d.vigilancePhrases()),
                list(property, "actions.blame-phrases", d.blamePhrases()),
                list(property, "actions.not-a-person", d.notAPerson()));
    }

    private static String value(Function<String, String> property, String name) {
        String v = property.apply(name);
        return v == null ? "" : v.strip();
    }

    private static int integer(Function<String, String> property, String name, int fallback) {
        String v = value(property, name);
        if (v.isEmpty()) {
            return fallback;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, not '" + v + "'");
        }
    }

    private static Period period(Function<String, String> property, String name, Period fallback) {
        String v = value(property, name);
        if (v.isEmpty()) {
            return fallback;
        }
        try {
            return Period.parse(v);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + " must be an ISO-8601 period such as P180D or P6M, not '"
                    + v + "'");
        }
    }

    private static List<String> list(Function<String, String> property, String name, List<String> fallback) {
        String v = value(property, name);
        if (v.isEmpty()) {
            return fallback;
        }
        List<String> items = new ArrayList<>();
        for (String item : Arrays.stream(v.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList()) {
            if (item.equalsIgnoreCase(DEFAULTS_ITEM)) {
                items.addAll(fallback);
            } else {
                items.add(item);
            }
        }
        return items;
    }

    private static List<String> clean(List<String> list) {
        if (list == null) {
            return List.of();
        }
        return list.stream()
                .filter(s -> s != null && !s.isBlank())
                .map(s -> s.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT))
                .distinct()
                .toList();
    }
}
