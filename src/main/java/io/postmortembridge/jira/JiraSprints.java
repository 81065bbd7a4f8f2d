package io.postmortembridge.jira;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.postmortembridge.action.Team;
import io.postmortembridge.failure.PermanentFailure;
import io.postmortembridge.failure.TransientFailure;
import io.postmortembridge.http.VendorCall;
import io.postmortembridge.http.VendorHttp;
import io.postmortembridge.http.VendorReply;

/**
 * Where a team's actions go in Jira Software: the board (the one configured, else the project's
 * only scrum board) and its active or next sprint, or the backlog when there is none. Look-ups are
 * remembered for a short while (60 s by default), so a push of many actions for one team asks
 * once.
 */
public final class JiraSprints {

    public static final Duration DEFAULT_TTL = Duration.ofSeconds(60);
    static final String BOARDS = "/rest/agile/1.0/board";
    static final String SPRINT = "/rest/agile/1.0/sprint";
    static final String PROJECT = "/rest/api/3/project";
    /** Jira moves at most 50 issues into a sprint per call. */
    public static final int MOVE_LIMIT = 50;
    static final int PAGE = 50;
    /** A project with more boards or sprints than this many pages is not read further. */
    static final int MOST_PAGES = 20;
    static final String TEAMS_FILE = "config/teams.yaml";
    private static final Pattern PROJECT_KEY = Pattern.compile("[A-Z][A-Z0-9_]{0,254}");

    /** Which sprint an action joins. */
    public enum Mode {
        /** The board's active sprint. */
        ACTIVE,
        /** The board's next (future) sprint. */
        NEXT,
        /** No sprint: the project's backlog. */
        BACKLOG;

        /** active, next or backlog, ignoring case. */
        public static Mode of(String mode) {
            for (Mode m : values()) {
                if (m.name().equalsIgnoreCase(mode == null ? "" : mode.strip())) {
                    return m;
                }
            }
            throw new PermanentFailure("the sprint mode '" + mode + "' is not one of active, next, backlog. "
                    + "To fix: set it to active (the active sprint), next (the next sprint) or backlog");
        }
    }

    record Board(long id, String name, String type) {
        String describe() {
            return "board " + id + (name == null || name.isBlank() ? "" : " (" + name + ")");
        }
    }

    record Sprint(long id, String name, String state, Instant start, Long originBoardId) {
    }

    private record Remembered<T>(T value, Instant until) {
    }

    private final VendorHttp jira;
    private final ObjectMapper json;
    private final Clock clock;
    private final Duration ttl;
    private final Map<String, Remembered<Optional<Board>>> projectBoards = new ConcurrentHashMap<>();
    private final Map<Long, Remembered<Board>> boards = new ConcurrentHashMap<>();
    private final Map<String, Remembered<Optional<Sprint>>> sprints = new ConcurrentHashMap<>();

    public JiraSprints(VendorHttp jira, ObjectMapper json, Clock clock) {
        this(jira, json, clock, DEFAULT_TTL);
    }

    /** @param ttl how long a board or sprint look-up is remembered; zero to ask every time */
    public JiraSprints(VendorHttp jira, ObjectMapper json, Clock clock, Duration ttl) {
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("a negative time to remember look-ups: " + ttl);
        }
        this.jira = jira;
        this.json = json;
        this.clock = clock;
        this.ttl = ttl;
    }

    // ---------------------------------------------------------------- choosing

    /** Where the team's actions go. */
    public SprintChoice choose(Team team, String mode) {
        return choose(team.name(), team.project(), team.board(), Mode.of(mode));
    }

    /**
     * Where actions of the project go.
     *
     * @param boardId the configured board, or null for the project's only scrum board
     * @param mode    active, next or backlog
     */
    public SprintChoice choose(String projectKey, Long boardId, String mode) {
        return choose(null, projectKey, boardId, Mode.of(mode));
    }

    private SprintChoice choose(String team, String projectKey, Long boardId, Mode mode) {
        String project = projectKey(projectKey);
        if (mode == Mode.BACKLOG) {
            return SprintChoice.backlog("actions of project " + project + " go to its backlog (sprint mode backlog)");
        }
        Board board;
        if (boardId != null) {
            board = configuredBoard(team, project, boardId);
            if ("kanban".equalsIgnoreCase(board.type())) {
                return SprintChoice.backlog(board.describe() + " of project " + project
                        + " is a kanban board, which has no sprints: the issue goes to the backlog");
            }
        } else {
            Optional<Board> only = remembered(projectBoards, project, () -> onlyScrumBoard(team, project));
            if (only.isEmpty()) {
                return SprintChoice.backlog("project " + project
                        + " has no scrum board (kanban or none): the issue goes to the backlog");
            }
            board = only.get();
        }
        Optional<Sprint> sprint = remembered(sprints, board.id() + "/" + mode, () -> openSprint(board, mode));
        String which = mode == Mode.ACTIVE ? "active" : "future";
        if (sprint == null) {
            return SprintChoice.backlog(board.describe() + " of project " + project
                    + " does not take sprints (Jira refused to list them): the issue goes to the backlog");
        }
        if (sprint.isEmpty()) {
            return SprintChoice.backlog(board.describe() + " of project " + project + " has no " + which
                    + " sprint: the issue goes to the backlog");
        }
        Sprint chosen = sprint.get();
        return SprintChoice.sprint(chosen.id(), chosen.name(), (mode == Mode.ACTIVE ? "the active sprint" : "the next sprint")
                + " of " + board.describe() + " of project " + project);
    }

    /** The configured board; its absence is a configuration error. */
    private Board configuredBoard(String team, String project, long boardId) {
        return remembered(boards, boardId, () -> {
            VendorReply reply = jira.send(VendorCall.get(BOARDS + "/" + boardId, List.of()));
            String what = "read board " + boardId + " of project " + project;
            if (reply.status() == 404 || reply.status() == 400) {
                throw new PermanentFailure(teamPrefix(team) + "board " + boardId + " does not exist or the account "
                        + "cannot see it" + said(reply) + ": fix board: " + forTeam(team) + "in " + TEAMS_FILE
                        + " (or leave it out to use project " + project + "'s only scrum board)");
            }
            JsonNode board = answer(reply, what, project);
            return board(board);
        });
    }

    /** The project's one scrum board; none is empty; several is a configuration error. */
    private Optional<Board> onlyScrumBoard(String team, String project) {
        List<Board> found = new ArrayList<>();
        String what = "list the scrum boards of project " + project;
        for (int page = 0, startAt = 0; page < MOST_PAGES; page++) {
            VendorReply reply = jira.send(VendorCall.get(BOARDS, List.of(
                    Map.entry("projectKeyOrId", project), Map.entry("type", "scrum"),
                    Map.entry("startAt", Integer.toString(startAt)), Map.entry("maxResults", Integer.toString(PAGE)))));
            if (reply.status() == 404 || reply.status() == 400) {
                throw new PermanentFailure(teamPrefix(team) + "project " + project + " does not exist or the account "
                        + "cannot see it" + said(reply) + ": fix project: " + forTeam(team) + "in " + TEAMS_FILE);
            }
            JsonNode answer = answer(reply, what, project);
            JsonNode values = answer.path("values");
            values.forEach(b -> {
                Board board = board(b);
                if ("scrum".equalsIgnoreCase(board.type())) {
                    found.add(board);
                }
            });
            if (answer.path("isLast").asBoolean(true) || values.isEmpty()) {
                break;
            }
            startAt += values.size();
        }
        if (found.size() > 1) {
            throw new PermanentFailure(teamPrefix(team) + "project " + project + " has " + found.size()
                    + " scrum boards: " + String.join(", ", found.stream().map(Board::describe).toList())
                    + ": set board: " + forTeam(team) + "in " + TEAMS_FILE + " to the id of the one its actions join");
        }
        return found.stream().findFirst();
    }

    /**
     * The sprint of that mode, empty when none is open; null (remembered like an answer) when Jira
     * refuses to list the board's sprints: a board without sprints.
     */
    private Optional<Sprint> openSprint(Board board, Mode mode) {
        String state = mode == Mode.ACTIVE ? "active" : "future";
        String what = "list the " + state + " sprints of " + board.describe();
        List<Sprint> open = new ArrayList<>();
        for (int page = 0, startAt = 0; page < MOST_PAGES; page++) {
            VendorReply reply = jira.send(VendorCall.get(BOARDS + "/" + board.id() + "/sprint", List.of(
                    Map.entry("state", state), Map.entry("startAt", Integer.toString(startAt)),
                    Map.entry("maxResults", Integer.toString(PAGE)))));
            if (reply.status() == 400) {
                // Jira: "The board does not support sprints" (kanban, or a board whose sprints are off)
                return null;
            }
            if (reply.status() == 404) {
                forget();
                throw new TransientFailure(board.describe() + " is gone (HTTP 404 listing its sprints); the next "
                        + "attempt looks the board up again", null);
            }
            JsonNode answer = answer(reply, what, null);
            JsonNode values = answer.path("values");
            values.forEach(s -> {
                if (s.path("id").canConvertToLong() && state.equalsIgnoreCase(s.path("state").asText(state))) {
                    open.add(new Sprint(s.get("id").asLong(), s.path("name").asText(""), s.path("state").asText(state),
                            instant(s.path("startDate").asText(null)),
                            s.path("originBoardId").canConvertToLong() ? s.get("originBoardId").asLong() : null));
                }
            });
            if (answer.path("isLast").asBoolean(true) || values.isEmpty()) {
                break;
            }
            startAt += values.size();
        }
        // a board also lists the sprints of other boards that hold its issues: its own come first
        List<Sprint> own = open.stream().filter(s -> s.originBoardId() == null || s.originBoardId() == board.id()).toList();
        return (own.isEmpty() ? open : own).stream()
                .min(Comparator.comparing((Sprint s) -> s.start() == null ? Instant.MAX : s.start())
                        .thenComparingLong(Sprint::id));
    }

    private static Board board(JsonNode board) {
        return new Board(board.path("id").asLong(), board.path("name").asText(null), board.path("type").asText(""));
    }

    // ---------------------------------------------------------------- moving

    /**
     * Moves the issues into the sprint, 50 a call (Jira's limit), in order. Moving an issue that is
     * already in the sprint changes nothing, so a retry after a partial failure is safe.
     */
    public void moveToSprint(long sprintId, List<String> keys) {
        List<String> checked = keys.stream().map(JiraRequests::issueKey).toList();
        for (int from = 0; from < checked.size(); from += MOVE_LIMIT) {
            List<String> chunk = checked.subList(from, Math.min(checked.size(), from + MOVE_LIMIT));
            ObjectNode body = json.createObjectNode();
            ArrayNode issues = body.putArray("issues");
            chunk.forEach(issues::add);
            String what = "move " + describeKeys(chunk) + " into sprint " + sprintId;
            VendorReply reply = jira.send(VendorCall.post(SPRINT + "/" + sprintId + "/issue", body.toString()));
            if (reply.isSuccess()) {
                continue;
            }
            if (reply.isTransientFailure()) {
                throw reply.transientFailure("Jira (" + what + ")");
            }
            // the sprint may have closed since it was chosen: choose afresh next time
            forgetSprint(sprintId);
            String fix = switch (reply.status()) {
                case 401 -> "check JIRA_EMAIL and JIRA_API_TOKEN (an API token of that Atlassian account)";
                case 403 -> "the account behind JIRA_EMAIL needs Jira Software access and the Schedule issues and "
                        + "Edit issues permissions in the project";
                case 404 -> "the sprint no longer exists or the account cannot see it; the next push chooses the "
                        + "sprint again";
                default -> "issues can only join an open sprint: if the sprint was closed meanwhile, the next push "
                        + "chooses the sprint again; otherwise Jira's message says what it objected to";
            };
            throw new PermanentFailure("Jira refused to " + what + " (HTTP " + reply.status() + ")" + said(reply)
                    + ". To fix: " + fix);
        }
    }

    private static String describeKeys(List<String> keys) {
        return keys.size() <= 3 ? String.join(", ", keys)
                : keys.get(0) + ", " + keys.get(1) + " and " + (keys.size() - 2) + " more issues";
    }

    // ---------------------------------------------------------------- checking the teams file

    /**
     * At start: the team's project exists, and so does its board when one is configured; otherwise a
     * {@link PermanentFailure} saying what to fix in the teams file.
     */
    public void checkTeam(Team team) {
        String project = team.project();
        if (project == null || !PROJECT_KEY.matcher(project).matches()) {
            throw new PermanentFailure("team " + team.name() + ": project " + project + " is not a Jira project key: "
                    + "fix project: in " + TEAMS_FILE);
        }
        VendorReply reply = jira.send(VendorCall.get(PROJECT + "/" + project, List.of()));
        if (reply.status() == 404) {
            throw new PermanentFailure("team " + team.name() + ": project " + project + " does not exist or the "
                    + "account cannot see it: fix project: in " + TEAMS_FILE);
        }
        answer(reply, "read project " + project + " of team " + team.name(), project);
        if (team.board() != null) {
            configuredBoard(team.name(), project, team.board());
        }
    }

    // ---------------------------------------------------------------- remembering

    /** Forgets every board and sprint look-up. */
    public void forget() {
        projectBoards.clear();
        boards.clear();
        sprints.clear();
    }

    private void forgetSprint(long sprintId) {
        sprints.values().removeIf(r -> r.value() != null && r.value().map(s -> s.id() == sprintId).orElse(false));
    }

    private <K, T> T remembered(Map<K, Remembered<T>> cache, K key, Supplier<T> lookUp) {
        Instant now = clock.instant();
        Remembered<T> known = cache.get(key);
        if (known != null && now.isBefore(known.until())) {
            return known.value();
        }
        T value = lookUp.get();
        if (!ttl.isZero()) {
            cache.put(key, new Remembered<>(value, now.plus(ttl)));
        }
        return value;
    }

    // ---------------------------------------------------------------- answers

    /** A successful answer's JSON; otherwise the failure, saying what to fix. */
    private JsonNode answer(VendorReply reply, String what, String project) {
        if (reply.isTransientFailure()) {
            throw reply.transientFailure("Jira (" + what + ")");
        }
        if (!reply.isSuccess()) {
            String fix = switch (reply.status()) {
                case 401 -> "check JIRA_EMAIL and JIRA_API_TOKEN (an API token of that Atlassian account)";
                case 403 -> "the account behind JIRA_EMAIL needs Jira Software access and the Browse projects "
                        + "permission" + (project == null ? "" : " in project " + project);
                default -> "Jira's message says what it objected to";
            };
            throw new PermanentFailure("Jira refused to " + what + " (HTTP " + reply.status() + ")" + said(reply)
                    + ". To fix: " + fix);
        }
        try {
            JsonNode answer = json.readTree(reply.body() == null ? "" : reply.body());
            if (answer == null || !answer.isObject()) {
                throw new IOException("not a JSON object");
            }
            return answer;
        } catch (IOException e) {
            throw new TransientFailure("Jira's answer to " + what + " is not JSON", null);
        }
    }

    private String said(VendorReply reply) {
        List<String> problems = JiraActionRequests.problems(reply.body(), json);
        return problems.isEmpty() ? "" : " (Jira: " + String.join("; ", problems) + ")";
    }

    private static String teamPrefix(String team) {
        return team == null ? "" : "team " + team + ": ";
    }

    private static String forTeam(String team) {
        return team == null ? "for the team " : "for team " + team + " ";
    }

    private static String projectKey(String key) {
        if (key == null || !PROJECT_KEY.matcher(key).matches()) {
            throw new PermanentFailure("'" + key + "' is not a Jira project key: fix project: in " + TEAMS_FILE);
        }
        return key;
    }

    private static Instant instant(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return "JiraSprints(remembering look-ups for " + ttl.toSeconds() + " s)";
    }
}
