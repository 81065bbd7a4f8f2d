package io.postmortembridge.jira;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.postmortembridge.action.ActionRow.Owner;
import io.postmortembridge.failure.PermanentFailure;
import io.postmortembridge.failure.TransientFailure;
import io.postmortembridge.http.VendorCall;
import io.postmortembridge.http.VendorHttp;
import io.postmortembridge.http.VendorReply;

/**
 * Finds the Jira account an action's owner cell names. A mention is already an account; a typed
 * e-mail address or display name is looked up with Jira's user search, among active human
 * ({@code atlassian}) accounts only.
 * <p>
 * {@link #resolve} looks every owner up; {@link #resolveAll} (or a {@link #batch()}) looks each
 * distinct text up once: one push, one search per person however many actions they own.
 */
public final class JiraUsers {

    static final String USER_SEARCH = "/rest/api/3/user/search";
    /** Enough to see every exact match of a full name; Jira matches prefixes, so a page may hold others. */
    static final int MAX_RESULTS = 50;
    static final int MAX_CANDIDATES = 5;
    /** Longer text is no e-mail address nor display name, and is not sent to Jira. */
    static final int LONGEST_QUERY = 254;
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

    private final VendorHttp jira;
    private final ObjectMapper json;

    public JiraUsers(VendorHttp jira, ObjectMapper json) {
        this.jira = jira;
        this.json = json;
    }

    /** Looks the owner up (a mention, an empty cell or several mentions need no call). */
    public OwnerLookup resolve(Owner owner) {
        return batch().resolve(owner);
    }

    /** Looks each owner up, each distinct text once; the answers in the owners' order. */
    public List<OwnerLookup> resolveAll(List<? extends Owner> owners) {
        Batch batch = batch();
        return owners.stream().map(batch::resolve).toList();
    }

    /** Look-ups that remember their answers: use one for one push, then drop it. Not thread-safe. */
    public Batch batch() {
        return new Batch();
    }

    public final class Batch {

        private final Map<String, OwnerLookup> known = new HashMap<>();

        private Batch() {
        }

        public OwnerLookup resolve(Owner owner) {
            if (owner instanceof Owner.Mention mention) {
                return new OwnerLookup.Found(mention.accountId(), withoutAt(mention.text()));
            }
            if (owner instanceof Owner.Several several) {
                List<String> names = several.names().stream().map(JiraUsers::withoutAt).toList();
                return new OwnerLookup.Ambiguous(String.join(", ", several.names()),
                        names.subList(0, Math.min(MAX_CANDIDATES, names.size())));
            }
            if (owner instanceof Owner.Written written) {
                String text = written.text() == null ? "" : written.text().strip();
                String key = normalise(text);
                OwnerLookup cached = known.get(key);
                if (cached == null) {
                    cached = lookUp(text);
                    known.put(key, cached);
                }
                // the same person, as this row wrote them
                return rewritten(cached, text);
            }
            return new OwnerLookup.Unknown("");
        }
    }

    private static OwnerLookup rewritten(OwnerLookup lookup, String written) {
        if (lookup instanceof OwnerLookup.Unknown) {
            return new OwnerLookup.Unknown(written);
        }
        if (lookup instanceof OwnerLookup.Ambiguous ambiguous) {
            return new OwnerLookup.Ambiguous(written, ambiguous.candidates());
        }
        return lookup;
    }

    private OwnerLookup lookUp(String text) {
        boolean email = EMAIL.matcher(text).matches();
        // "@Mia Krystof": a mention typed by hand, not linked
        String query = email ? text : withoutAt(text).replaceAll("\\s+", " ");
        if (query.isEmpty() || query.length() > LONGEST_QUERY) {
            return new OwnerLookup.Unknown(text);
        }
        List<JsonNode> people = search(query);
        List<JsonNode> matching = new ArrayList<>();
        for (JsonNode user : people) {
            if (email ? query.equalsIgnoreCase(user.path("emailAddress").asText(""))
                    : normalise(query).equals(normalise(user.path("displayName").asText("")))) {
                matching.add(user);
            }
        }
        if (email && matching.isEmpty() && people.size() == 1 && people.get(0).path("emailAddress").asText("").isEmpty()) {
            // Jira hides the e-mail address of most users: a search by an address that finds exactly
            // one person whose address is hidden found that person
            matching.add(people.get(0));
        }
        if (matching.isEmpty() && email && people.size() > 1
                && people.stream().allMatch(u -> u.path("emailAddress").asText("").isEmpty())) {
            return ambiguous(text, people);
        }
        if (matching.isEmpty()) {
            return new OwnerLookup.Unknown(text);
        }
        if (matching.size() > 1) {
            return ambiguous(text, matching);
        }
        JsonNode user = matching.get(0);
        return new OwnerLookup.Found(user.get("accountId").asText(), user.path("displayName").asText(text));
    }

    private static OwnerLookup ambiguous(String text, List<JsonNode> users) {
        return new OwnerLookup.Ambiguous(text, users.stream().limit(MAX_CANDIDATES)
                .map(u -> u.path("displayName").asText(u.path("accountId").asText()))
                .toList());
    }

    /** Active human accounts matching the query (Jira matches the start of display names and e-mail addresses). */
    private List<JsonNode> search(String query) {
        String what = "search for the Jira user '" + query + "'";
        VendorReply reply = jira.send(VendorCall.get(USER_SEARCH, List.of(
                Map.entry("query", query), Map.entry("maxResults", Integer.toString(MAX_RESULTS)))));
        if (reply.isTransientFailure()) {
            throw reply.transientFailure("Jira (" + what + ")");
        }
        if (!reply.isSuccess()) {
            List<String> problems = JiraActionRequests.problems(reply.body(), json);
            String said = problems.isEmpty() ? "" : ": " + String.join("; ", problems);
            String fix = switch (reply.status()) {
                case 401 -> "check JIRA_EMAIL and JIRA_API_TOKEN (an API token of that Atlassian account)";
                case 403 -> "the account behind JIRA_EMAIL needs the Browse users and groups global permission";
                case 404 -> "check JIRA_BASE_URL (it should look like https://your-site.atlassian.net)";
                default -> "Jira's message says what it objected to";
            };
            throw new PermanentFailure("Jira refused to " + what + " (HTTP " + reply.status() + ")" + said
                    + ". To fix: " + fix);
        }
        JsonNode users;
        try {
            users = json.readTree(reply.body() == null ? "" : reply.body());
        } catch (IOException e) {
            users = null;
        }
        if (users == null || !users.isArray()) {
            throw new TransientFailure("Jira's answer to " + what + " is not a list of users", null);
        }
        List<JsonNode> people = new ArrayList<>();
        for (JsonNode user : users) {
            if (user.path("active").asBoolean(false) && "atlassian".equals(user.path("accountType").asText())
                    && user.hasNonNull("accountId")) {
                people.add(user);
            }
        }
        return people;
    }

    /** Trimmed, one space between words, lower case: how two ways of writing one name compare. */
    private static String normalise(String text) {
        return text.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }

    private static String withoutAt(String text) {
        String stripped = text == null ? "" : text.strip();
        return stripped.startsWith("@") ? stripped.substring(1).strip() : stripped;
    }
}
