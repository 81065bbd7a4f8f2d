package io.postmortembridge.action;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The words the review looks for and how text is compared: the default lists (each can be replaced
 * in configuration, see {@link ReviewRules}), the small fixed vocabularies that are grammar rather than
 * policy (stop words, common hyphenated English words), and the text helpers the rules share.
 */
final class Wording {

    private Wording() {
    }

    // ---------------------------------------------------------------------------------------------
    // Default lists (policy: configurable)
    // ---------------------------------------------------------------------------------------------

    /**
     * First words that leave an action's result open. Verbs are matched with their simple inflections
     * (investigate, investigates, investigating, investigated); a trailing {@code *} matches any ending.
     * Also adjectives that stand in for a verb ("Better alerting").
     */
    static final List<String> WEAK_VERBS = List.of(
            "investigate", "look into", "look at", "consider", "explore", "think about", "discuss", "review",
            "improve", "monitor", "follow up", "follow-up", "try to", "try", "check", "understand", "evaluate",
            "revisit", "research", "assess", "analyze", "analyse", "examine", "study", "determine", "figure out",
            "work on", "dig into", "brainstorm", "talk to", "talk about", "sync", "sync up", "align", "coordinate",
            "reach out", "clarify", "reconsider", "rethink", "re-evaluate", "reevaluate", "reassess", "enhance",
            "optimize", "optimise", "continue", "keep an eye on", "keep monitoring", "watch", "be", "get", "do",
            "make sure", "ensure", "address", "plan", "verify", "confirm", "identify", "find", "learn", "see if",
            "better", "more", "improved", "enhanced", "increased", "proper", "additional");

    /**
     * Words and phrases that name nothing on their own: generic objects ("the issue", "this scenario"),
     * open-ended phrases ("going forward") and generic nouns ("monitoring", "runbook"). An action made of
     * nothing else (besides its verb and small words) says nothing verifiable.
     */
    static final List<String> VAGUE_PHRASES = List.of(
            // generic objects
            "the issue", "the issues", "this issue", "these issues", "the problem", "the problems", "this problem",
            "the bug", "this bug", "the outage", "this outage", "the incident", "this incident", "the failure",
            "this failure", "the root cause", "root cause", "this scenario", "the scenario", "such scenarios",
            "this situation", "the situation", "this case", "such cases", "similar issues", "similar incidents",
            "similar problems", "similar outages", "such issues", "such incidents", "this kind of thing",
            "this", "these", "it", "them", "things", "stuff", "everything", "anything", "something", "all of it",
            // open-ended phrases
            "going forward", "moving forward", "in the future", "from now on", "happen again", "happens again",
            "happening again", "occur again", "recur", "recurs", "recurring", "reoccur", "reoccurring",
            "as needed", "as appropriate", "where appropriate", "where possible", "if possible", "when possible",
            "as soon as possible", "asap", "best practices", "somehow", "some kind of", "etc", "and so on",
            "and more", "tbd", "tbc", "in general", "overall",
            // generic nouns
            "monitoring", "alerting", "alert", "alerts", "metrics", "logging", "logs", "dashboard", "dashboards",
            "observability", "visibility", "test", "tests", "testing", "test coverage", "coverage", "check",
            "checks", "validation", "safeguard", "safeguards", "guardrail", "guardrails", "safety net",
            "safety nets", "automation", "tooling", "tools", "process", "processes", "procedure", "procedures",
            "documentation", "docs", "runbook", "runbooks", "playbook", "playbooks", "resilience", "reliability",
            "robustness", "redundancy", "stability", "performance", "communication", "communications",
            "awareness", "knowledge", "guidelines", "policy", "policies", "system", "systems", "the service",
            "services", "infrastructure", "code", "config", "configuration", "improvement", "improvements",
            "fix", "fixes", "change", "changes", "solution", "solutions", "options", "alternatives", "approach",
            "strategy", "architecture", "errors", "failures", "incidents", "issues", "problems", "action items",
            "follow-ups", "mitigation", "mitigations");

    /** Actions that rely on people being more careful rather than on a mechanism. */
    static final List<String> VIGILANCE_PHRASES = List.of(
            "remind*", "double-check", "double check", "be careful", "be more careful", "more careful",
            "extra careful", "carefully", "training", "train engineers", "train people", "train the team",
            "train everyone", "train staff", "make sure engineers", "make sure people", "make sure everyone",
            "make sure the team", "make sure devs", "make sure developers", "make sure on-call",
            "make sure operators", "ensure engineers", "ensure people", "ensure everyone", "ensure the team",
            "ensure developers", "pay attention", "pay closer attention", "pay more attention", "remember to",
            "don't forget", "do not forget", "communicate to the team", "communicate to engineers",
            "communicate to everyone", "tell engineers", "tell the team", "tell everyone", "raise awareness",
            "awareness", "educate", "be aware", "be vigilant", "vigilant", "vigilance", "reiterate",
            "stress the importance", "emphasize the importance", "emphasise the importance", "think twice",
            "be diligent", "take care to", "take more care");

    /** Root-cause wording that makes a person the cause. See also {@link #blamePatterns()}. */
    static final List<String> BLAME_PHRASES = List.of(
            "human error", "operator error", "pilot error", "user error", "engineer error", "people error",
            "careless", "carelessness", "carelessly", "mistakenly", "by mistake", "made a mistake",
            "forgot to", "forgot", "didn't follow", "did not follow", "failed to follow", "negligence", "negligent",
            "fat-finger*", "fat finger*", "sloppy", "lazy",
            "incompetent", "incompetence", "reckless", "not paying attention", "wasn't paying attention",
            "didn't pay attention", "did not pay attention", "not careful", "wasn't careful", "was not careful",
            "inattentive", "his fault", "her fault", "their fault", "to blame", "blame", "rogue",
            "ignored the warning", "ignored the alert", "without thinking", "didn't bother", "did not bother",
            "accidentally", "oversight by", "error by", "mistake by");

    /** Owner cells that are not one person. Compared whole, ignoring case, outer punctuation and a leading @. */
    static final List<String> NOT_A_PERSON = List.of(
            "tbd", "tbc", "?", "??", "n/a", "na", "none", "-", "on-call", "oncall", "on call", "everyone",
            "all", "we", "us", "team", "the team", "ops", "devs", "engineering", "sre", "someone", "anyone",
            "whoever", "unassigned", "nobody", "tba", "todo", "owner", "everybody", "somebody", "the on-call",
            "on-call engineer", "dev", "qa", "support", "management");

    // ---------------------------------------------------------------------------------------------
    // Fixed vocabularies (grammar, not policy)
    // ---------------------------------------------------------------------------------------------

    /** Small words that never name a system or a check. */
    static final Set<String> STOP_WORDS = Set.copyOf(List.of(
            "a", "an", "the", "this", "that", "these", "those", "it", "its", "to", "of", "in", "on", "at", "for",
            "from", "by", "with", "without", "into", "onto", "about", "over", "around", "through", "across", "and",
            "or", "but", "so", "as", "if", "when", "where", "while", "which", "who", "what", "why", "how", "all",
            "any", "some", "every", "each", "more", "most", "less", "better", "best", "new", "proper", "properly",
            "again", "ever", "never", "not", "no", "we", "our", "us", "they", "them", "their", "i", "you", "is",
            "are", "be", "been", "being", "was", "were", "do", "does", "did", "done", "doesn't", "don't", "didn't",
            "won't", "isn't", "can't", "cannot", "can", "could", "should", "would", "will", "must", "may", "might",
            "there", "here", "then", "than", "also", "too", "very", "really", "just", "only", "other", "another",
            "same", "such", "similar", "future", "forward", "going", "moving", "now", "up", "out", "down", "off",
            "way", "ways", "sure", "make", "makes", "happen", "happens", "happened", "happening", "occur",
            "occurs", "occurred", "recur", "cause", "caused", "causes", "causing", "led", "lead", "leads",
            "prevent", "prevents", "avoid", "fix", "stop", "ensure", "improve", "handle", "address", "mitigate",
            "reduce", "catch", "detect", "help", "helps", "additional", "further", "extra", "improved",
            "enhanced", "increased", "general", "appropriate", "needed", "necessary", "possible", "relevant",
            "etc", "earlier", "later", "sooner", "faster", "needs", "need", "like", "one", "ones", "again",
            "anymore", "next", "time", "times", "team", "teams", "we'll", "let's", "able", "want", "try", "get"));

    /** Adverbs of frequency: a recurring mechanism is bounded ("Restore the backup nightly"). */
    private static final Pattern FREQUENCY = Pattern.compile(
            "(?i)\\b(?:hourly|daily|nightly|weekly|monthly|quarterly|yearly|annually|every\\s+(?:day|night|hour|"
                    + "week|month|deploy|deployment|release|build|commit|merge|run|request|restart|change)|"
                    + "per\\s+(?:request|second|minute|hour|day|host|node|ip|user|customer|deploy))\\b");

    /** When something is done is the due column's business, not what makes an action specific. */
    private static final Pattern TIMING = Pattern.compile(
            "(?i)\\b(?:(?:(?:in|within|by)\\s+(?:the\\s+)?(?:next\\s+)?|next\\s+)"
                    + "(?:\\d+|a|one|two|three|four|six)\\s+(?:days?|weeks?|months?|sprints?|quarters?|years?)"
                    + "|(?:by|before|until)\\s+(?:\\d{4}-\\d{2}-\\d{2}|\\d{1,2}/\\d{1,2}(?:/\\d{2,4})?)"
                    + "|(?:fy)?q[1-4](?:\\s*(?:fy)?\\d{2,4})?)\\b");

    private static final Pattern CAMEL = Pattern.compile("\\p{Ll}\\p{Lu}");
    private static final Pattern DOTTED = Pattern.compile("[\\p{L}\\p{N}]\\.[\\p{L}\\p{N}]");
    private static final Pattern PATH = Pattern.compile("(?:^|[\\s(])/[\\p{L}\\p{N}_.-]+|://");
    private static final Pattern QUOTED = Pattern.compile(
            "`[^`]+`|\"[^\"]+\"|“[^”]+”|«[^»]+»|(?:^|(?<=[\\s(]))'[^'\\s][^']*'(?=$|[\\s,.;:)!?])|‘[^’]+’");
    private static final Set<String> SLASH_WORDS = Set.copyOf(List.of("and/or", "read/write", "on/off", "yes/no",
            "i/o", "w/o",
            "n/a", "input/output", "client/server", "he/she", "his/her", "him/her", "s/he", "either/or"));
    private static final Set<String> DOTTED_WORDS = Set.copyOf(List.of("e.g", "i.e", "a.m", "p.m", "n.b", "etc."));
    private static final Set<String> HYPHEN_FIRST = Set.copyOf(List.of(
            "re", "pre", "post", "non", "co", "multi", "cross", "self", "anti", "de", "sub", "over", "under",
            "auto", "semi", "inter", "intra", "ex", "mid", "well", "long", "short", "high", "low", "real", "up",
            "follow", "end", "built", "third", "first", "all", "half", "full", "double", "fat", "hard", "soft",
            "best", "worst", "human", "user", "customer", "team", "company", "org", "business", "mission",
            "fine", "old", "new", "one", "two", "three", "on", "off", "in", "out", "back", "hot", "cold", "dry",
            "opt", "e", "x", "rate", "error", "time", "day", "read", "write", "check", "dead", "single",
            "sign", "roll", "set", "log", "fail", "health", "trade", "add", "plug", "root", "run", "late",
            "early", "near", "top", "bottom", "front", "open", "closed", "hand", "clean", "safe", "step"));
    private static final Set<String> HYPHEN_LAST = Set.copyOf(List.of(
            "up", "in", "on", "off", "out", "down", "over", "based", "driven", "facing", "prone", "related",
            "specific", "wide", "level", "term", "time", "critical", "free", "safe", "aware", "friendly", "only",
            "like", "side", "ready", "sensitive", "proof", "heavy", "intensive", "oriented", "focused", "owned",
            "scale", "grade", "run", "made", "known", "call", "mortem", "cause", "limit", "limiting", "check",
            "checks", "checking", "date", "end", "step", "person", "hand", "touch", "world", "style", "case"));
    private static final Set<String> NOT_NAMES = Set.copyOf(List.of(
            "I", "TBD", "TBC", "TBA", "ASAP", "FYI", "ETA", "RCA", "SRE", "SREs", "QA", "PM", "OK", "EOD", "EOW",
            "AI", "IT", "HR", "TODO", "PR", "PRs", "MR", "MRs", "NB", "N/A", "Monday", "Tuesday", "Wednesday",
            "Thursday", "Friday", "Saturday", "Sunday", "January", "February", "March", "April", "May", "June",
            "July", "August", "September", "October", "November", "December", "Jira", "Confluence", "Slack",
            "PagerDuty", "Opsgenie", "Q1", "Q2", "Q3", "Q4"));

    /** People in a root cause: roles that can be the subject of a blaming verb. */
    private static final String ROLE_WORD = "(?:engineer|developer|operator|administrator|sre|dba|intern|contractor"
            + "|employee|team member|staff member|person|responder|reviewer|deployer|on-?call|on call|oncall|human"
            + "|committer|author)s?";
    private static final String ROLE = "(?:(?:(?:the|a|an|our|one of (?:the|our))\\s+)?(?:[\\w-]+\\s+){0,2}"
            + ROLE_WORD + "|someone|somebody|he|she)";
    private static final String NAME = "(?-i:(?!(?:The|This|That|It|A|An|Our|We|They|There|When|After|Before|"
            + "During|Because|Since|As|In|On|At|If|Its|Their|These|Those|Some|No|One|All|Each|Every|Both|Then|Also"
            + "|However|But|And|Or|So|Nobody|Nothing|Someone|Somebody|He|She|Her|His)\\b)\\p{Lu}\\p{Ll}+)";
    /** Not doing a step, as said of a person ("did not have access" is about the system, not the person). */
    private static final String SKIPPED = "(?:didn't|did not|had not|hadn't|never)\\s+(?:bother|follow|check|run|read"
            + "|test|verify|notice|see|review|wait|ask|escalate|confirm|validate|look|double-check|acknowledge"
            + "|respond|think|realize|realise)\\w*";
    private static final String NEGATIVE = "(?:failed to|forgot|neglected|missed|skipped|ignored|overlooked|broke"
            + "|messed up|screwed up|mistakenly|accidentally|wrongly|incorrectly|carelessly|made a mistake"
            + "|made an error|should(?:n't| not)? have|" + SKIPPED + ")";
    /** What a person, as a cause, goes on to do: "because the engineer ran ...", "caused by the operator." */
    private static final String PERSON_FOLLOWS = "(?=\\s*(?:[.,;:!)]|$)|\\s+(?:who|not|forgot|failed|didn't|did|"
            + "deleted|ran|running|pushed|pushing|typed|typing|skipped|skipping|missed|ignored|ignoring|wasn't|made|"
            + "making|chose|decided|used|using|applied|applying|merged|deployed|deploying|changed|changing|removed|"
            + "removing|dropped|approved|mistakenly|accidentally|wrongly)\\b)";

    /**
     * Causes that end at a person, beyond the phrase list: a role or a name doing something wrong
     * ("the on-call engineer skipped", "Bob broke", "the operator should have"), a cause that is a person
     * ("caused by the operator", "because Bob ran ..."), and "should have" opening a sentence. Matched
     * against the text with its case kept. "The alert should have fired" is not matched: hindsight about
     * a system is not blame.
     */
    static List<Pattern> blamePatterns() {
        return List.of(
                Pattern.compile("(?i)\\b" + ROLE + "\\s+(?:had\\s+)?" + NEGATIVE + "\\b"),
                Pattern.compile("(?i)\\b(?:because(?: of)?|caused by|due to|triggered by|introduced by|result of"
                        + "|fault of)\\s+" + ROLE + "\\b" + PERSON_FOLLOWS),
                Pattern.compile("(?i)\\b(?:because|caused by|due to|introduced by|triggered by)\\s+" + NAME
                        + "\\s+(?:forgot|failed|didn't|did not|missed|skipped|ignored|neglected|overlooked|broke|"
                        + "deployed|pushed|merged|typed|ran(?!\\s+out)|made|changed|deleted|dropped|approved|"
                        + "restarted|removed)\\b"),
                Pattern.compile("(?i)\\b(?:caused by|introduced by|fault of)\\s+" + NAME + "\\s*(?=[.;,]|$)"),
                Pattern.compile("(?i)(?:^|(?<=[\\s.;:,(]))" + NAME + "\\s+(?:broke|forgot|neglected|ignored|skipped"
                        + "|messed up|screwed up|mistakenly|accidentally|should(?:n't| not)? have|" + SKIPPED
                        + ")\\b"),
                Pattern.compile("(?i)(?:^|(?<=[.;:!?]\\s))should(?:n't| not)? have\\b"));
    }

    // ---------------------------------------------------------------------------------------------
    // Text helpers
    // ---------------------------------------------------------------------------------------------

    /** A piece of text found, as it stands in the text searched. */
    record Match(int start, int end, String text) {
    }

    /** Unicode NFKC, curly quotes made straight, whitespace collapsed, ends trimmed; case kept. */
    static String tidy(String text) {
        String s = Normalizer.normalize(text == null ? "" : text, Normalizer.Form.NFKC)
                .replace('’', '\'').replace('‘', '\'').replace('ʼ', '\'');
        return s.replaceAll("(?U)\\s+", " ").strip();
    }

    /**
     * {@link #tidy} in lower case, char by char so that every offset in it is an offset in the tidy text:
     * the form phrases are matched against.
     */
    static String lower(String tidy) {
        char[] chars = tidy.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            chars[i] = Character.toLowerCase(chars[i]);
        }
        return new String(chars);
    }

    /**
     * One pattern for a list of phrases: whole words (a hyphen counts as part of a word), any whitespace
     * between words, a trailing {@code *} for any ending, longest phrase first.
     */
    static Pattern phrases(List<String> list) {
        if (list.isEmpty()) {
            return Pattern.compile("(?!)");
        }
        String alternatives = list.stream()
                .map(p -> p.strip().toLowerCase(Locale.ROOT))
                .filter(p -> !p.isEmpty())
                .distinct()
                .sorted(Comparator.comparingInt(String::length).reversed())
                .map(Wording::phraseRegex)
                .collect(Collectors.joining("|"));
        return Pattern.compile("(?<![\\p{L}\\p{N}_'-])(?:" + alternatives + ")(?![\\p{L}\\p{N}_-])");
    }

    private static String phraseRegex(String phrase) {
        boolean open = phrase.endsWith("*");
        String body = open ? phrase.substring(0, phrase.length() - 1) : phrase;
        String regex = String.join("\\s+", List.of(body.split("\\s+")).stream().map(Pattern::quote).toList());
        return open ? regex + "[\\p{L}\\p{N}'-]*" : regex;
    }

    static List<Match> find(Pattern pattern, String text) {
        List<Match> found = new ArrayList<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            if (m.end() > m.start()) {
                found.add(new Match(m.start(), m.end(), m.group()));
            }
        }
        return found;
    }

    /** The words of a text: letters, digits and the joiners inside identifiers (checkout-api, db.primary, 5%). */
    static List<Match> words(String text) {
        return find(WORD, text);
    }

    private static final Pattern WORD = Pattern.compile(
            "[\\p{L}\\p{N}%][\\p{L}\\p{N}%'_./:@+-]*[\\p{L}\\p{N}%]|[\\p{L}\\p{N}%]");

    /**
     * Whether the text names something precisely: a number, threshold or duration (not a deadline), an
     * identifier (checkout-api, db.primary, max_connections, PostgreSQL), a quoted or backticked name, a
     * path or URL, an issue key, or a frequency (nightly, every deploy).
     */
    static boolean namesSomethingPrecisely(String tidy) {
        String text = TIMING.matcher(tidy).replaceAll(" ");
        if (text.codePoints().anyMatch(Character::isDigit)) {
            return true;
        }
        if (QUOTED.matcher(text).find() || FREQUENCY.matcher(text).find()) {
            return true;
        }
        for (Match word : words(text)) {
            String w = word.text();
            String lw = w.toLowerCase(Locale.ROOT);
            if (w.contains("_") || CAMEL.matcher(w).find()) {
                return true;
            }
            if (DOTTED.matcher(w).find() && !DOTTED_WORDS.contains(lw) && !lw.startsWith("e.g")
                    && !lw.startsWith("i.e")) {
                return true;
            }
            if (w.contains("/") && !SLASH_WORDS.contains(lw)) {
                return true;
            }
            if (w.contains("-") && isIdentifier(lw)) {
                return true;
            }
        }
        return PATH.matcher(text).find();
    }

    private static boolean isIdentifier(String hyphenated) {
        String[] parts = hyphenated.split("-");
        if (parts.length < 2 || parts[0].isEmpty() || parts[parts.length - 1].isEmpty()) {
            return false;
        }
        if (parts.length >= 3 && !HYPHEN_FIRST.contains(parts[0])) {
            return true;
        }
        return !HYPHEN_FIRST.contains(parts[0]) && !HYPHEN_LAST.contains(parts[parts.length - 1]);
    }

    /**
     * Proper names and acronyms after the first word (Kafka, Redis, DNS, WAF), except team names, weekdays,
     * months and tracker words; nothing when the text is in Title Case.
     */
    static boolean hasProperName(String tidy, Collection<String> teamNames) {
        List<Match> words = words(tidy);
        if (words.size() < 2) {
            return false;
        }
        Set<String> teams = teamNames.stream().map(t -> t.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        List<String> rest = words.subList(1, words.size()).stream().map(Match::text).toList();
        long capitalised = rest.stream().filter(w -> w.length() > 3 && Character.isUpperCase(w.codePointAt(0)))
                .count();
        long longWords = rest.stream().filter(w -> w.length() > 3).count();
        if (longWords >= 2 && capitalised * 2 > longWords) {
            return false;
        }
        return rest.stream().anyMatch(w -> Character.isUpperCase(w.codePointAt(0)) && !NOT_NAMES.contains(w)
                && !teams.contains(w.toLowerCase(Locale.ROOT)) && (w.length() > 1));
    }

    /** Quotes a piece of text for a message, shortened when long. */
    static String quote(String text) {
        String t = tidy(text);
        if (t.codePointCount(0, t.length()) > 60) {
            t = t.substring(0, t.offsetByCodePoints(0, 57)).strip() + "…";
        }
        return "'" + t + "'";
    }

    /** Quotes several pieces of text: 'a', 'b' and 'c'. */
    static String quoteAll(List<String> texts) {
        List<String> quoted = texts.stream().map(Wording::quote).distinct().toList();
        if (quoted.size() == 1) {
            return quoted.get(0);
        }
        return String.join(", ", quoted.subList(0, quoted.size() - 1)) + " and " + quoted.get(quoted.size() - 1);
    }

    /** A rewrite that passes the review, chosen by what the action is about. */
    static String example(String lower) {
        if (lower.matches("(?s).*\\b(?:backups?|restor\\w*|snapshots?)\\b.*")) {
            return "Restore <database>'s nightly backup to staging every day and alert when it fails";
        }
        if (lower.matches("(?s).*\\b(?:runbooks?|playbooks?|document\\w*|docs|wiki)\\b.*")) {
            return "Add a runbook step for failing over <database> to the replica";
        }
        if (lower.matches("(?s).*\\b(?:tests?|testing|coverage)\\b.*")) {
            return "Add a test that fails the build when <service> accepts <bad input>";
        }
        if (lower.matches("(?s).*\\b(?:deploy\\w*|releases?|rollouts?|rollbacks?|roll back|pipelines?)\\b.*")) {
            return "Make <pipeline> roll back by itself when the error rate passes 2% in the first 10 minutes";
        }
        if (lower.matches("(?s).*\\b(?:timeouts?|limits?|config\\w*|settings?|capacity)\\b.*")) {
            return "Set <client>'s connect timeout to 2 seconds";
        }
        if (lower.matches("(?s).*\\b(?:issues?|problems?|bugs?|outages?|fix\\w*)\\b.*")) {
            return "Reject malformed postal codes in the address form";
        }
        return "Add an alert when <service> returns more than 1% 5xx for 5 minutes";
    }

    /** The edit distance of two strings, for "did you mean". */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
