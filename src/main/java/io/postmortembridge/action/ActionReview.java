package io.postmortembridge.action;

import java.text.Normalizer;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.MonthDay;
import java.time.Period;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.postmortembridge.action.ActionRow.Due;
import io.postmortembridge.action.ActionRow.Owner;
import io.postmortembridge.action.Finding.Severity;
import io.postmortembridge.action.Wording.Match;

/**
 * Reviews what a post-mortem's review meeting agreed before any of it reaches Jira: a small number of
 * actions, each concrete enough to be checked off, with one named person as owner and a real date,
 * and a root cause that names a mechanism rather than a person.
 *
 * <p>Errors keep their row from being pushed; an error whose row is null ({@code too-many-actions})
 * is about the post-mortem as a whole and keeps every row from being pushed until it is fixed (see
 * {@link #pushable}). Warnings never block. Findings are ordered by row (the post-mortem as a whole
 * first), then by field in the table's order: action, owner, due, team, rootCause, contributingFactors.
 *
 * <h2>When an action is vague ({@code action-vague})</h2>
 * Four signals, each explainable in the message; a false alarm blocks a push, so each has a rescue:
 * <ol>
 * <li><b>question</b>: the action ends with "?" ("Should we add retries?"): nothing was decided.</li>
 * <li><b>too short</b>: fewer than {@link ReviewRules#minActionWords()} words ("Fix it", "Monitoring"),
 * unless it names something precisely.</li>
 * <li><b>open-ended first word</b>: one of {@link ReviewRules#weakVerbs()} ("Investigate", "Look into",
 * "Improve", "Better"), unless the action names something precisely, or names a system by its proper
 * name (Kafka, DNS) in four words or more. Not counted when the action starts with wording the vigilance
 * warning already reports ("Make sure engineers ...").</li>
 * <li><b>names nothing</b>: once the first word, small words and {@link ReviewRules#vaguePhrases()}
 * ("the issue", "this scenario", "monitoring") are set aside, nothing is left ("Fix the issue that caused
 * the outage", "Add more monitoring").</li>
 * </ol>
 * "Names something precisely" means a number, threshold or duration (not a deadline such as "in 2
 * weeks"), an identifier (checkout-api, db.primary, max_connections, PostgreSQL), a quoted or
 * backticked name, a path or URL, an issue key, or a frequency (nightly, every deploy).
 */
public final class ActionReview {

    public static final String TOO_MANY_ACTIONS = "too-many-actions";
    public static final String ACTION_MISSING = "action-missing";
    public static final String DUPLICATE_ACTION = "duplicate-action";
    public static final String ACTION_VAGUE = "action-vague";
    public static final String ACTION_VIGILANCE = "action-vigilance";
    public static final String BLAME = "blame";
    public static final String OWNER_MISSING = "owner-missing";
    public static final String OWNER_NOT_A_PERSON = "owner-not-a-person";
    public static final String OWNER_UNKNOWN = "owner-unknown";
    public static final String OWNER_AMBIGUOUS = "owner-ambiguous";
    public static final String DUE_MISSING = "due-missing";
    public static final String DUE_INVALID = "due-invalid";
    public static final String DUE_PAST = "due-past";
    public static final String DUE_FAR = "due-far";
    public static final String TEAM_UNKNOWN = "team-unknown";

    private static final List<String> FIELD_ORDER = List.of("action", "owner", "due", "team", "rootCause",
            "contributingFactors");
    private static final Comparator<Finding> ORDER = Comparator
            .comparing((Finding f) -> f.row() == null ? Integer.MIN_VALUE : f.row())
            .thenComparing(f -> FIELD_ORDER.indexOf(f.field()));

    private static final Pattern LIST_MARKER = Pattern.compile("^(?:[-*•·>]+\\s*|\\d{1,2}[.)]\\s+|\\[[ x]?]\\s*)+");
    private static final Pattern LABEL = Pattern.compile(
            "^(?:action item|action|ai|todo|to do|task|next step)\\s*:\\s*");
    private static final Pattern FILLER = Pattern.compile(
            "^(?:we should|we need to|we must|we will|we'll|we want to|we have to|we can|need to|needs to|"
                    + "should|must|will|to|please|let's|let us|i will|i'll|going to|(?:the )?team to|"
                    + "(?:sre|ops|devs|dev|eng|engineering) to)\\s+");
    private static final Pattern SEVERAL_PEOPLE = Pattern.compile(
            "\\s*(?:,|;|/|&|\\s\\+\\s|\\band\\b|\\bor\\b)\\s*", Pattern.CASE_INSENSITIVE);
    private static final Pattern PARENTHESES = Pattern.compile("\\([^)]*\\)|\\[[^]]*]");
    private static final Pattern GROUP_WORD = Pattern.compile(
            "(?i)^(?:the\\s+)?.+\\s+(?:team|squad|group|crew|guild|chapter|folks|people)$");
    private static final Pattern ISO_DATE = Pattern.compile("\\d{4}-\\d{1,2}-\\d{1,2}");
    private static final Pattern NUMERIC_DATE = Pattern.compile(
            "(\\d{1,2})[/.](\\d{1,2})(?:[/.](\\d{2}|\\d{4}))?");
    private static final Map<String, Integer> MONTHS = months();
    private static final Pattern DAY_MONTH = Pattern.compile(
            "(?i)(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?([a-z]{3,9})\\.?(?:,?\\s+(\\d{4}))?");
    private static final Pattern MONTH_DAY = Pattern.compile(
            "(?i)([a-z]{3,9})\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?(?:,?\\s+(\\d{4}))?");

    private final ReviewRules rules;
    private final List<String[]> weakLeads;
    private final Pattern vague;
    private final Pattern vigilance;
    private final Pattern blame;
    private final List<Pattern> blamePatterns;
    private final Set<String> notAPerson;

    public ActionReview(ReviewRules rules) {
        this.rules = rules;
        this.weakLeads = rules.weakVerbs().stream()
                .map(v -> v.split("\\s+"))
                .sorted(Comparator.comparingInt((String[] words) -> words.length).reversed())
                .toList();
        this.vague = Wording.phrases(rules.vaguePhrases());
        this.vigilance = Wording.phrases(rules.vigilancePhrases());
        this.blame = Wording.phrases(rules.blamePhrases());
        this.blamePatterns = Wording.blamePatterns();
        this.notAPerson = Set.copyOf(rules.notAPerson().stream().map(ActionReview::ownerKey).toList());
    }

    public ReviewRules rules() {
        return rules;
    }

    /**
     * Reviews a post-mortem's agreed actions, root cause and contributing factors.
     *
     * @param teamNames the configured team names (a team is not an owner; the Team column must be one of
     *                  them); empty when teams are not configured
     * @param today     today in the post-mortem's time zone: a due date before it is in the past
     * @return the findings, by row (the post-mortem as a whole first) then field
     */
    public List<Finding> review(AgreedPostmortem postmortem, Set<String> teamNames, LocalDate today) {
        Set<String> teams = teamNames == null ? Set.of() : teamNames;
        List<Finding> findings = new ArrayList<>();
        int count = postmortem.rows().size();
        if (count > rules.maxPerPostmortem()) {
            int max = rules.maxPerPostmortem();
            findings.add(new Finding(null, "action", TOO_MANY_ACTIONS, Severity.ERROR,
                    count + " actions: keep at most " + max + ". Force-rank them, keep the " + max
                            + " that matter most and move the rest to the team's backlog yourselves; no action is "
                            + "pushed until the table has " + max + " rows or fewer."));
        }
        blame(findings, "rootCause", postmortem.rootCause());
        blame(findings, "contributingFactors", postmortem.contributingFactors());

        Map<String, Integer> seen = new HashMap<>();
        for (ActionRow row : postmortem.rows()) {
            action(findings, row, seen, teams);
            owner(findings, row, teams);
            due(findings, row, today);
            team(findings, row, teams);
        }
        findings.sort(ORDER);
        return List.copyOf(findings);
    }

    /**
     * Whether a row may be pushed: no error on it, and no error on the post-mortem as a whole.
     */
    public static boolean pushable(List<Finding> findings, int row) {
        return findings.stream().noneMatch(f -> f.isError() && (f.row() == null || f.row() == row));
    }

    /**
     * The action text normalised for comparison and idempotency: Unicode NFKC, lower case, whitespace
     * collapsed, outer punctuation and quotes stripped (a closing bracket is kept when its opening one is
     * in the text).
     */
    public static String normalised(String action) {
        String s = Normalizer.normalize(action == null ? "" : action, Normalizer.Form.NFKC)
                .toLowerCase(Locale.ROOT)
                .replaceAll("(?U)\\s+", " ")
                .strip();
        int start = 0;
        int end = s.length();
        while (start < end && outer(s.codePointAt(start))) {
            start += Character.charCount(s.codePointAt(start));
        }
        while (end > start) {
            int cp = s.codePointBefore(end);
            if (!outer(cp) || closes(s.substring(start, end - Character.charCount(cp)), cp)) {
                break;
            }
            end -= Character.charCount(cp);
        }
        return s.substring(start, end).strip();
    }

    private static boolean outer(int cp) {
        int type = Character.getType(cp);
        return Character.isWhitespace(cp) || cp == '`' || cp == '´' || cp == '~'
                || type == Character.CONNECTOR_PUNCTUATION && cp != '_'
                || type == Character.DASH_PUNCTUATION || type == Character.START_PUNCTUATION
                || type == Character.END_PUNCTUATION || type == Character.INITIAL_QUOTE_PUNCTUATION
                || type == Character.FINAL_QUOTE_PUNCTUATION || type == Character.OTHER_PUNCTUATION;
    }

    private static boolean closes(String before, int cp) {
        return switch (cp) {
            case ')' -> before.indexOf('(') >= 0;
            case ']' -> before.indexOf('[') >= 0;
            case '}' -> before.indexOf('{') >= 0;
            default -> false;
        };
    }

    /** The finding for an owner no Jira user matches. */
    public static Finding ownerUnknown(int row, String written) {
        return new Finding(row, "owner", OWNER_UNKNOWN, Severity.ERROR,
                "No Jira user matches " + Wording.quote(written)
                        + ": mention the person with @ or write their e-mail address.");
    }

    /** The finding for an owner several Jira users match. */
    public static Finding ownerAmbiguous(int row, String written, List<String> candidates) {
        List<String> shown = candidates.size() > 5 ? candidates.subList(0, 5) : candidates;
        String names = String.join(", ", shown) + (candidates.size() > 5
                ? " and " + (candidates.size() - 5) + " more" : "");
        return new Finding(row, "owner", OWNER_AMBIGUOUS, Severity.ERROR,
                Wording.quote(written) + " matches several Jira users (" + names
                        + "): mention the right one with @.");
    }

    // ---------------------------------------------------------------------------------------------
    // Action
    // ---------------------------------------------------------------------------------------------

    private void action(List<Finding> findings, ActionRow row, Map<String, Integer> seen, Set<String> teams) {
        String text = Wording.tidy(row.action());
        if (text.isEmpty() || normalised(text).isEmpty()) {
            findings.add(new Finding(row.row(), "action", ACTION_MISSING, Severity.ERROR,
                    "No action: write what will change, e.g. '" + Wording.example("")
                            + "', or delete the row."));
            return;
        }
        Integer earlier = seen.putIfAbsent(normalised(text), row.row());
        if (earlier != null) {
            findings.add(new Finding(row.row(), "action", DUPLICATE_ACTION, Severity.ERROR,
                    "Same action as row " + earlier + ": delete this row, or say how it differs."));
            return;
        }
        Optional<Match> careful = Wording.find(vigilance, Wording.lower(text)).stream().findFirst();
        vagueness(text, careful, teams).ifPresent(message ->
                findings.add(new Finding(row.row(), "action", ACTION_VAGUE, Severity.ERROR, message)));
        careful.ifPresent(m -> findings.add(new Finding(row.row(), "action", ACTION_VIGILANCE, Severity.WARNING,
                Wording.quote(text.substring(m.start(), m.end()))
                        + " relies on people remembering: add a mechanism that works when someone forgets (a "
                        + "check, a safe default, automation), e.g. 'Add a pre-deploy check that parses the "
                        + "schema' rather than 'Make sure engineers check the schema'.")));
    }

    /** The action-vague message, or empty when the action is concrete enough. */
    private Optional<String> vagueness(String text, Optional<Match> careful, Set<String> teams) {
        String lower = Wording.lower(text);
        int start = leadStart(lower);
        String body = lower.substring(start);
        String bodyAsWritten = text.substring(start);
        List<Match> words = Wording.words(body);
        boolean precise = Wording.namesSomethingPrecisely(bodyAsWritten);
        String example = Wording.example(lower);

        if (text.endsWith("?")) {
            return Optional.of(Wording.quote(text) + " is a question, not an action: write what was decided, e.g. '"
                    + example + "'.");
        }
        List<String> reasons = new ArrayList<>();
        if (words.size() < rules.minActionWords() && !precise) {
            reasons.add(Wording.quote(text) + " is too short to tell when it is done");
        }
        Optional<Match> weak = weakLead(body);
        boolean vigilanceLead = careful.isPresent() && careful.get().start() <= start;
        if (weak.isPresent() && !vigilanceLead && !precise
                && !(words.size() >= 4 && Wording.hasProperName(bodyAsWritten, teams))) {
            reasons.add(Wording.quote(bodyAsWritten.substring(weak.get().start(), weak.get().end()))
                    + " leaves the outcome open");
        }
        int leadEnd = weak.map(Match::end).orElse(words.isEmpty() ? 0 : words.get(0).end());
        List<Match> generic = new ArrayList<>();
        if (!precise && !hasContent(body, leadEnd, generic)) {
            List<String> quoted = generic.stream().map(m -> bodyAsWritten.substring(m.start(), m.end()))
                    .distinct().limit(3).toList();
            reasons.add(quoted.isEmpty() ? "it names no system or check"
                    : Wording.quoteAll(quoted) + (quoted.size() == 1 ? " names" : " name") + " no system or check");
        }
        if (reasons.isEmpty()) {
            return Optional.empty();
        }
        String why = String.join("; ", reasons);
        return Optional.of(Character.toUpperCase(why.charAt(0)) + why.substring(1)
                + ": start with what will change, name the system and the check, e.g. '" + example + "'.");
    }

    /** Where the action proper starts, after list markers, labels and "we should". */
    private static int leadStart(String lower) {
        int start = 0;
        boolean again = true;
        while (again) {
            again = false;
            for (Pattern p : List.of(LIST_MARKER, LABEL, FILLER)) {
                Matcher m = p.matcher(lower).region(start, lower.length());
                m.useAnchoringBounds(true);
                if (m.lookingAt() && m.end() > start && m.end() < lower.length()) {
                    start = m.end();
                    again = true;
                }
            }
        }
        return start;
    }

    /** The weak first word or phrase, if the action starts with one. */
    private Optional<Match> weakLead(String body) {
        List<Match> words = Wording.words(body);
        for (String[] lead : weakLeads) {
            if (lead.length > words.size()) {
                continue;
            }
            boolean matches = true;
            for (int i = 0; i < lead.length && matches; i++) {
                String word = words.get(i).text();
                matches = i == 0 ? inflects(word, lead[0]) : sameWord(word, lead[i]);
            }
            if (matches) {
                return Optional.of(new Match(words.get(0).start(), words.get(lead.length - 1).end(),
                        body.substring(words.get(0).start(), words.get(lead.length - 1).end())));
            }
        }
        return Optional.empty();
    }

    private static boolean sameWord(String word, String listed) {
        return listed.endsWith("*") ? word.startsWith(listed.substring(0, listed.length() - 1))
                : word.equals(listed);
    }

    /** investigate: investigates, investigated, investigating; try: tries, tried; stop: stopped. */
    private static boolean inflects(String word, String verb) {
        if (verb.endsWith("*") || sameWord(word, verb)) {
            return sameWord(word, verb);
        }
        String stem = verb.endsWith("e") ? verb.substring(0, verb.length() - 1) : verb;
        String yStem = verb.endsWith("y") ? verb.substring(0, verb.length() - 1) + "i" : verb;
        char last = verb.charAt(verb.length() - 1);
        return List.of(verb + "s", verb + "es", verb + "ed", verb + "d", verb + "ing", stem + "ing", stem + "ed",
                yStem + "es", yStem + "ed", verb + last + "ed", verb + last + "ing").contains(word);
    }

    /**
     * Whether anything is left once the lead, small words and vague phrases are set aside; collects the
     * vague phrases found after the lead.
     */
    private boolean hasContent(String body, int leadEnd, List<Match> generic) {
        StringBuilder rest = new StringBuilder(body);
        for (int i = 0; i < leadEnd && i < rest.length(); i++) {
            rest.setCharAt(i, ' ');
        }
        for (Match m : Wording.find(vague, rest.toString())) {
            generic.add(m);
            for (int i = m.start(); i < m.end(); i++) {
                rest.setCharAt(i, ' ');
            }
        }
        return Wording.words(rest.toString()).stream()
                .map(Match::text)
                .map(w -> w.endsWith("'s") ? w.substring(0, w.length() - 2) : w)
                .anyMatch(w -> w.length() > 1 && !Wording.STOP_WORDS.contains(w));
    }

    // ---------------------------------------------------------------------------------------------
    // Root cause and contributing factors
    // ---------------------------------------------------------------------------------------------

    private void blame(List<Finding> findings, String field, String text) {
        String tidy = Wording.tidy(text);
        if (tidy.isEmpty()) {
            return;
        }
        List<Match> found = new ArrayList<>(Wording.find(blame, Wording.lower(tidy)).stream()
                .map(m -> new Match(m.start(), m.end(), tidy.substring(m.start(), m.end()))).toList());
        for (Pattern p : blamePatterns) {
            found.addAll(Wording.find(p, tidy));
        }
        if (found.isEmpty()) {
            return;
        }
        found.sort(Comparator.comparingInt(Match::start).thenComparing(m -> -(m.end() - m.start())));
        List<String> quotes = new ArrayList<>();
        int covered = -1;
        for (Match m : found) {
            if (m.start() >= covered) {
                quotes.add(m.text().strip());
                covered = m.end();
            }
        }
        List<String> shown = quotes.stream().distinct().limit(3).toList();
        findings.add(new Finding(null, field, BLAME, Severity.WARNING,
                Wording.quoteAll(shown) + (shown.size() == 1 ? " puts" : " put")
                        + " the cause on a person: what let this step be skipped? Name the missing check, the "
                        + "confusing tool or the unsafe default instead of the person, e.g. 'The deploy script "
                        + "applied the migration without checking the schema'."));
    }

    // ---------------------------------------------------------------------------------------------
    // Owner
    // ---------------------------------------------------------------------------------------------

    private void owner(List<Finding> findings, ActionRow row, Set<String> teams) {
        Owner owner = row.owner();
        if (owner == null || owner instanceof Owner.Missing
                || owner instanceof Owner.Written w && Wording.tidy(w.text()).isEmpty()) {
            findings.add(new Finding(row.row(), "owner", OWNER_MISSING, Severity.ERROR,
                    "No owner: name the one person who drives this action (mention them with @ or write their "
                            + "e-mail address)."));
            return;
        }
        if (owner instanceof Owner.Several several && several.names().size() > 1) {
            findings.add(new Finding(row.row(), "owner", OWNER_NOT_A_PERSON, Severity.ERROR,
                    Wording.quoteAll(several.names()) + " are several owners: an action has one. Keep the "
                            + "person who drives it; mention the others in the action if they help."));
            return;
        }
        if (owner instanceof Owner.Written written) {
            notOnePerson(written.text(), teams).ifPresent(message ->
                    findings.add(new Finding(row.row(), "owner", OWNER_NOT_A_PERSON, Severity.ERROR, message)));
        }
    }

    private Optional<String> notOnePerson(String written, Set<String> teams) {
        String text = Wording.tidy(written);
        String key = ownerKey(text);
        String quoted = Wording.quote(text);
        Optional<String> team = teams.stream()
                .filter(t -> key.equals(ownerKey(t)) || key.equals(ownerKey(t) + " team")
                        || key.equals("the " + ownerKey(t) + " team"))
                .findFirst();
        if (team.isPresent()) {
            return Optional.of(quoted + " is a team, not a person: name the one person in " + team.get()
                    + " who drives this action (mention them with @).");
        }
        if (key.isEmpty() || notAPerson.contains(key) || GROUP_WORD.matcher(key).matches()) {
            return Optional.of(quoted + " is not a person: name the one person who drives this action (mention "
                    + "them with @). If nobody will, drop the action.");
        }
        String withoutAsides = PARENTHESES.matcher(text).replaceAll(" ").strip();
        if (!text.contains("@") || withoutAsides.split("@", -1).length > 2) {
            long people = SEVERAL_PEOPLE.splitAsStream(withoutAsides).map(String::strip).filter(s -> !s.isEmpty())
                    .count();
            if (people > 1) {
                return Optional.of(quoted + " names several people: an action has one owner. Keep the person who "
                        + "drives it (mention them with @); mention the others in the action if they help.");
            }
        }
        return Optional.empty();
    }

    /** An owner cell as compared with the not-a-person list: lower case, no outer punctuation, no leading @. */
    private static String ownerKey(String text) {
        String lower = Wording.tidy(text).toLowerCase(Locale.ROOT);
        String key = normalised(lower.startsWith("@") ? lower.substring(1) : lower);
        if (key.isEmpty() && !lower.isEmpty()) {
            return lower.replace(" ", "");
        }
        return key;
    }

    // ---------------------------------------------------------------------------------------------
    // Due date
    // ---------------------------------------------------------------------------------------------

    private void due(List<Finding> findings, ActionRow row, LocalDate today) {
        Due due = row.due();
        String example = today.plusWeeks(4).toString();
        if (due == null || due instanceof Due.Missing || due instanceof Due.Written w && w.text().isBlank()) {
            findings.add(new Finding(row.row(), "due", DUE_MISSING, Severity.ERROR,
                    "No due date: type // in Jira to insert a date, or write one as " + example + "."));
        } else if (due instanceof Due.Written written) {
            String text = Wording.tidy(written.text());
            String hint = meant(text, today).map(d -> " Did you mean " + d + "?").orElse("");
            findings.add(new Finding(row.row(), "due", DUE_INVALID, Severity.ERROR,
                    Wording.quote(text) + " is not a date: type // in Jira to insert one, or write it as "
                            + example + "." + hint));
        } else if (due instanceof Due.On on) {
            LocalDate date = on.date();
            if (date.isBefore(today)) {
                findings.add(new Finding(row.row(), "due", DUE_PAST, Severity.ERROR,
                        date + " is in the past: set the date it will really be done by (type // in Jira to "
                                + "insert one)."));
            } else if (rules.dueFarAfter() != null && date.isAfter(today.plus(rules.dueFarAfter()))) {
                findings.add(new Finding(row.row(), "due", DUE_FAR, Severity.WARNING,
                        date + " is more than " + describe(rules.dueFarAfter()) + " away and easily forgotten: "
                                + "make the first step due sooner, or move the action to the team's backlog."));
            }
        }
    }

    /** The date a written due date most likely means, when only one reading is possible. */
    static Optional<LocalDate> meant(String text, LocalDate today) {
        String t = text.strip();
        try {
            Matcher iso = ISO_DATE.matcher(t);
            if (iso.matches()) {
                String[] p = t.split("-");
                return Optional.of(LocalDate.of(Integer.parseInt(p[0]), Integer.parseInt(p[1]),
                        Integer.parseInt(p[2])));
            }
            Matcher n = NUMERIC_DATE.matcher(t);
            if (n.matches()) {
                int a = Integer.parseInt(n.group(1));
                int b = Integer.parseInt(n.group(2));
                if (a <= 12 && b <= 12 && a != b) {
                    return Optional.empty();
                }
                int day = a > 12 ? a : b;
                int month = a > 12 ? b : a;
                return date(day, month, n.group(3), today);
            }
            Matcher dm = DAY_MONTH.matcher(t);
            if (dm.matches() && MONTHS.containsKey(dm.group(2).toLowerCase(Locale.ROOT))) {
                return date(Integer.parseInt(dm.group(1)), MONTHS.get(dm.group(2).toLowerCase(Locale.ROOT)),
                        dm.group(3), today);
            }
            Matcher md = MONTH_DAY.matcher(t);
            if (md.matches() && MONTHS.containsKey(md.group(1).toLowerCase(Locale.ROOT))) {
                return date(Integer.parseInt(md.group(2)), MONTHS.get(md.group(1).toLowerCase(Locale.ROOT)),
                        md.group(3), today);
            }
        } catch (DateTimeException | NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static Optional<LocalDate> date(int day, int month, String year, LocalDate today) {
        if (year != null) {
            int y = Integer.parseInt(year);
            return Optional.of(LocalDate.of(y < 100 ? 2000 + y : y, month, day));
        }
        MonthDay md = MonthDay.of(month, day);
        LocalDate candidate = md.atYear(today.getYear());
        return Optional.of(candidate.isBefore(today) ? md.atYear(today.getYear() + 1) : candidate);
    }

    private static Map<String, Integer> months() {
        Map<String, Integer> months = new HashMap<>();
        String[] names = {"january", "february", "march", "april", "may", "june", "july", "august", "september",
                "october", "november", "december"};
        for (int i = 0; i < names.length; i++) {
            months.put(names[i], i + 1);
            months.put(names[i].substring(0, 3), i + 1);
        }
        months.put("sept", 9);
        return Map.copyOf(months);
    }

    private static String describe(Period period) {
        List<String> parts = new ArrayList<>();
        if (period.getYears() != 0) {
            parts.add(period.getYears() + (period.getYears() == 1 ? " year" : " years"));
        }
        if (period.getMonths() != 0) {
            parts.add(period.getMonths() + (period.getMonths() == 1 ? " month" : " months"));
        }
        if (period.getDays() != 0) {
            parts.add(period.getDays() + (period.getDays() == 1 ? " day" : " days"));
        }
        return String.join(" ", parts);
    }

    // ---------------------------------------------------------------------------------------------
    // Team
    // ---------------------------------------------------------------------------------------------

    private static void team(List<Finding> findings, ActionRow row, Set<String> teams) {
        if (teams.isEmpty() || row.team() == null || row.team().isBlank()) {
            return;
        }
        String written = Wording.tidy(row.team());
        boolean known = teams.stream().anyMatch(t -> Wording.tidy(t).equalsIgnoreCase(written));
        if (known) {
            return;
        }
        Collection<String> sorted = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        sorted.addAll(teams);
        List<String> names = List.copyOf(sorted);
        String listed = names.size() > 10 ? String.join(", ", names.subList(0, 10)) + ", …" : String.join(", ", names);
        String closest = names.stream()
                .min(Comparator.comparingInt(t -> Wording.distance(t.toLowerCase(Locale.ROOT),
                        written.toLowerCase(Locale.ROOT))))
                .filter(t -> Wording.distance(t.toLowerCase(Locale.ROOT), written.toLowerCase(Locale.ROOT))
                        <= Math.max(1, t.length() / 4))
                .map(t -> " Did you mean '" + t + "'?")
                .orElse("");
        findings.add(new Finding(row.row(), "team", TEAM_UNKNOWN, Severity.ERROR,
                Wording.quote(written) + " is not a configured team: write one of " + listed + "." + closest));
    }
}
