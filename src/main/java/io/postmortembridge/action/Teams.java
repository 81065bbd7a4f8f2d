package io.postmortembridge.action;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.CoreSchema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The teams file ({@code config/teams.yaml}, setting {@code actions.teams-file}): which team owns
 * which incident services, and where each team's actions go in Jira.
 * <pre>
 * defaultTeam: platform
 * teams:
 *   - name: payments
 *     project: PAY            # Jira project key
 *     board: 12               # optional: scrum board id; default: the project's only scrum board
 *     services: [checkout-api, P1ABCDE]
 *     issueType: Task         # optional (default Task)
 *     fields: {}              # optional: extra fields the project requires on create
 * </pre>
 * A file with anything wrong is refused whole, with every problem listed, each naming the file,
 * the line, the team and what to write instead.
 */
public final class Teams {

    /** A teams file is a few kilobytes; anything near this is not one. */
    public static final int LARGEST_FILE = 1024 * 1024;
    /** Enough for anchors shared by a few teams' fields; far too few for an alias bomb. */
    static final int MOST_ALIASES = 20;
    /** Deeper than any Jira field value; also stops a structure that contains itself. */
    static final int DEEPEST = 32;
    public static final String DEFAULT_ISSUE_TYPE = "Task";

    static final List<String> TOP_KEYS = List.of("defaultTeam", "teams");
    static final List<String> TEAM_KEYS = List.of("name", "project", "board", "services", "issueType", "fields");
    /** Fields the push fills itself. */
    static final List<String> OWN_FIELDS = List.of(
            "project", "issuetype", "summary", "description", "assignee", "duedate", "labels", "priority");
    private static final Pattern PROJECT_KEY = Pattern.compile("[A-Z][A-Z0-9_]+");
    /** System fields (components, fixVersions) and custom fields (customfield_10020). */
    private static final Pattern FIELD_ID = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");

    /** A teams file that cannot be used; the message lists every problem and what to fix. */
    public static final class InvalidTeamsFile extends IllegalArgumentException {

        private final List<String> problems;

        InvalidTeamsFile(String origin, List<String> problems) {
            super(problems.size() == 1 ? problems.get(0)
                    : origin + " has " + problems.size() + " problems:\n  " + String.join("\n  ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    private final String origin;
    private final List<Team> teams;
    private final Team defaultTeam;
    private final Map<String, Team> byName;
    private final Map<String, Team> byService;

    private Teams(String origin, List<Team> teams, Team defaultTeam) {
        this.origin = origin;
        this.teams = List.copyOf(teams);
        this.defaultTeam = defaultTeam;
        Map<String, Team> names = new LinkedHashMap<>();
        Map<String, Team> services = new LinkedHashMap<>();
        for (Team team : teams) {
            names.put(fold(team.name()), team);
            team.services().forEach(s -> services.put(fold(s), team));
        }
        this.byName = Collections.unmodifiableMap(names);
        this.byService = Collections.unmodifiableMap(services);
    }

    // ---------------------------------------------------------------- reading

    /** Reads and checks the file. */
    public static Teams load(Path file) {
        String origin = file.toString();
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(LARGEST_FILE + 1);
        } catch (NoSuchFileException e) {
            throw new InvalidTeamsFile(origin, List.of(origin + ": no such file. To fix: create it (one entry per team "
                    + "under teams:, and defaultTeam:), or point actions.teams-file at the teams file"));
        } catch (IOException e) {
            throw new InvalidTeamsFile(origin, List.of(origin + ": cannot be read (" + e.getMessage()
                    + "). To fix: make it a readable file, or point actions.teams-file at the teams file"));
        }
        if (bytes.length > LARGEST_FILE) {
            throw new InvalidTeamsFile(origin, List.of(origin + ": larger than " + LARGEST_FILE / 1024
                    + " KiB; a teams file is a few kilobytes. To fix: point actions.teams-file at the teams file"));
        }
        String yaml;
        try {
            yaml = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidTeamsFile(origin, List.of(origin + ": is not UTF-8 text. To fix: save it as UTF-8"));
        }
        return parse(yaml, origin);
    }

    /**
     * Reads and checks a teams file's text.
     *
     * @param origin how messages name it, e.g. config/teams.yaml
     */
    public static Teams parse(String yaml, String origin) {
        if (yaml.length() > LARGEST_FILE) {
            throw new InvalidTeamsFile(origin, List.of(origin + ": larger than " + LARGEST_FILE / 1024
                    + " KiB; a teams file is a few kilobytes"));
        }
        Node root;
        try {
            LoadSettings settings = LoadSettings.builder()
                    .setLabel(origin)
                    .setSchema(new CoreSchema())
                    .setMaxAliasesForCollections(MOST_ALIASES)
                    .setAllowRecursiveKeys(false)
                    .setCodePointLimit(LARGEST_FILE)
                    .build();
            root = new Compose(settings).composeString(yaml).orElse(null);
        } catch (MarkedYamlEngineException e) {
            Optional<Mark> at = e.getProblemMark().or(e::getContextMark);
            String line = at.map(m -> " line " + (m.getLine() + 1)).orElse("");
            String problem = e.getProblem() == null ? e.getMessage() : e.getProblem();
            // "while parsing a flow sequence" started elsewhere: say where
            String context = e.getContext() == null ? ""
                    : " (" + e.getContext() + e.getContextMark()
                            .filter(c -> at.isEmpty() || c.getLine() != at.get().getLine())
                            .map(c -> " from line " + (c.getLine() + 1)).orElse("") + ")";
            throw new InvalidTeamsFile(origin, List.of(origin + line + ": not valid YAML: " + problem + context
                    + ". To fix: correct the YAML at that line (indent with spaces, quote values holding ': ' or '#')"));
        } catch (YamlEngineException e) {
            throw new InvalidTeamsFile(origin, List.of(origin + ": cannot be read as YAML: " + e.getMessage()
                    + (e.getMessage() != null && e.getMessage().contains("aliases")
                    ? ". To fix: use fewer anchors and aliases (*name), at most " + MOST_ALIASES : "")));
        }
        return new Reader(origin).read(root);
    }

    /** Walks the YAML tree, collecting every problem before refusing the file. */
    private static final class Reader {

        private final String origin;
        private final List<String> problems = new ArrayList<>();
        /** Every team name written, valid team or not: defaultTeam may name one whose entry has a problem. */
        private final Set<String> namesWritten = new LinkedHashSet<>();

        Reader(String origin) {
            this.origin = origin;
        }

        Teams read(Node root) {
            if (root == null || root instanceof ScalarNode scalar && scalar.getTag().equals(Tag.NULL)) {
                throw new InvalidTeamsFile(origin, List.of(origin + ": is empty. To fix: list the teams under teams:"
                        + " and name the one that owns unlisted services with defaultTeam:"));
            }
            if (!(root instanceof MappingNode top)) {
                throw new InvalidTeamsFile(origin, List.of(at(root) + ": the file must be a mapping with defaultTeam:"
                        + " and teams:"));
            }
            Map<String, NodeTuple> entries = entries(top, TOP_KEYS, "the file's top level");
            List<Team> teams = new ArrayList<>();
            Map<String, Integer> teamLines = new LinkedHashMap<>();
            NodeTuple teamsEntry = entries.get("teams");
            if (teamsEntry == null) {
                problems.add(at(top) + ": teams: is missing. To fix: list the teams under teams:");
            } else if (!(teamsEntry.getValueNode() instanceof SequenceNode list) || list.getValue().isEmpty()) {
                problems.add(at(teamsEntry.getValueNode()) + ": teams: must be a list of teams (each starting with"
                        + " '- name:'). To fix: list at least one team");
            } else {
                Map<String, String> serviceOwners = new LinkedHashMap<>();
                int index = 0;
                for (Node item : list.getValue()) {
                    index++;
                    Team team = team(item, index);
                    if (team == null) {
                        continue;
                    }
                    String folded = fold(team.name());
                    if (teamLines.containsKey(folded)) {
                        problems.add(at(item) + ": team " + team.name() + " is listed twice (first at line "
                                + teamLines.get(folded) + "). To fix: give each team one entry, with a name of its own");
                        continue;
                    }
                    teamLines.put(folded, line(item));
                    for (String service : team.services()) {
                        String owner = serviceOwners.putIfAbsent(fold(service), team.name());
                        if (owner != null && !fold(owner).equals(folded)) {
                            problems.add(at(item) + ": team " + team.name() + ": service " + service
                                    + " is also listed under team " + owner
                                    + ". To fix: list each service under the one team that owns it");
                        }
                    }
                    teams.add(team);
                }
            }
            Team defaultTeam = null;
            NodeTuple defaultEntry = entries.get("defaultTeam");
            if (defaultEntry == null) {
                problems.add(at(top) + ": defaultTeam: is missing. To fix: add defaultTeam: with the name of the team "
                        + "that owns services no team lists");
            } else {
                String name = text(defaultEntry.getValueNode(), "defaultTeam", null);
                if (name != null) {
                    defaultTeam = teams.stream().filter(t -> fold(t.name()).equals(fold(name))).findFirst().orElse(null);
                    if (defaultTeam == null && !namesWritten.isEmpty() && !namesWritten.contains(fold(name))) {
                        problems.add(at(defaultEntry.getValueNode()) + ": defaultTeam: " + name
                                + " is not a team of this file. To fix: name one of "
                                + teams.stream().map(Team::name).toList());
                    }
                }
            }
            if (!problems.isEmpty()) {
                throw new InvalidTeamsFile(origin, problems);
            }
            return new Teams(origin, teams, defaultTeam);
        }

        private Team team(Node item, int index) {
            if (!(item instanceof MappingNode mapping)) {
                problems.add(at(item) + ": team " + index + " of teams: must be a mapping (name:, project:, ...)");
                return null;
            }
            String label = "team " + index;
            NodeTuple nameEntry = entries(mapping, List.of(), label).get("name");
            String name = nameEntry == null ? null : text(nameEntry.getValueNode(), "name", label);
            if (nameEntry == null) {
                problems.add(at(mapping) + ": " + label + " has no name:. To fix: add name: with the team's name");
            }
            if (name != null) {
                label = "team " + name;
                namesWritten.add(fold(name));
            }
            int before = problems.size();
            Map<String, NodeTuple> entries = entries(mapping, TEAM_KEYS, label);

            String project = null;
            NodeTuple projectEntry = entries.get("project");
            if (projectEntry == null) {
                problems.add(at(mapping) + ": " + label + " has no project:. To fix: add project: with the key of the "
                        + "Jira project its actions go to (e.g. PAY)");
            } else {
                project = text(projectEntry.getValueNode(), "project", label);
                if (project != null && !PROJECT_KEY.matcher(project).matches()) {
                    problems.add(at(projectEntry.getValueNode()) + ": " + label + ": project " + project
                            + " is not a Jira project key. To fix: write the project's key, upper-case letters and"
                            + " digits starting with a letter (e.g. PAY), not its name");
                    project = null;
                }
            }

            Long board = null;
            NodeTuple boardEntry = entries.get("board");
            if (boardEntry != null && !isNull(boardEntry.getValueNode())) {
                Node value = boardEntry.getValueNode();
                BigInteger number = value instanceof ScalarNode scalar && scalar.getTag().equals(Tag.INT)
                        ? integer(scalar.getValue()) : null;
                if (number == null || number.signum() <= 0 || number.bitLength() > 63) {
                    problems.add(at(value) + ": " + label + ": board " + show(value) + " is not a board id. To fix: "
                            + "write the scrum board's number (in the board's URL: .../boards/12), or leave board: out"
                            + " to use the project's only scrum board");
                } else {
                    board = number.longValueExact();
                }
            }

            List<String> services = new ArrayList<>();
            NodeTuple servicesEntry = entries.get("services");
            if (servicesEntry != null && !isNull(servicesEntry.getValueNode())) {
                Node value = servicesEntry.getValueNode();
                if (!(value instanceof SequenceNode list)) {
                    problems.add(at(value) + ": " + label + ": services: must be a list, e.g. [checkout-api, P1ABCDE]");
                } else {
                    Set<String> seen = new LinkedHashSet<>();
                    for (Node service : list.getValue()) {
                        String id = text(service, "a service", label);
                        if (id != null && seen.add(fold(id))) {
                            services.add(id);
                        }
                    }
                }
            }

            String issueType = DEFAULT_ISSUE_TYPE;
            NodeTuple typeEntry = entries.get("issueType");
            if (typeEntry != null && !isNull(typeEntry.getValueNode())) {
                issueType = text(typeEntry.getValueNode(), "issueType", label);
            }

            ObjectNode fields = JsonNodeFactory.instance.objectNode();
            NodeTuple fieldsEntry = entries.get("fields");
            if (fieldsEntry != null && !isNull(fieldsEntry.getValueNode())) {
                Node value = fieldsEntry.getValueNode();
                if (!(value instanceof MappingNode fieldMap)) {
                    problems.add(at(value) + ": " + label + ": fields: must be a mapping of Jira field id to value, "
                            + "e.g. {customfield_10010: {value: Ops}}");
                } else {
                    for (NodeTuple field : fieldMap.getValue()) {
                        String id = text(field.getKeyNode(), "a field id", label);
                        if (id == null) {
                            continue;
                        }
                        if (!FIELD_ID.matcher(id).matches()) {
                            problems.add(at(field.getKeyNode()) + ": " + label + ": fields: " + id
                                    + " is not a Jira field id. To fix: write the field's id, e.g. customfield_10020 or"
                                    + " components (Jira lists them at /rest/api/3/field)");
                            continue;
                        }
                        if (OWN_FIELDS.contains(id.toLowerCase(Locale.ROOT))) {
                            problems.add(at(field.getKeyNode()) + ": " + label + ": fields: cannot set " + id
                                    + ": the push sets it from the post-mortem. To fix: remove it from fields: ("
                                    + "fields: is for other fields the project requires; the issue type is issueType:)");
                            continue;
                        }
                        if (fields.has(id)) {
                            problems.add(at(field.getKeyNode()) + ": " + label + ": fields: " + id
                                    + " is given twice. To fix: keep one");
                            continue;
                        }
                        JsonNode converted = json(field.getValueNode(), label, 0);
                        if (converted != null) {
                            fields.set(id, converted);
                        }
                    }
                }
            }
            if (name == null || project == null || issueType == null || problems.size() > before) {
                return null;
            }
            return new Team(name, project, board, services, issueType, fields);
        }

        /** A mapping's entries by key; unknown (or repeated) keys are problems. Empty {@code allowed}: no check. */
        private Map<String, NodeTuple> entries(MappingNode mapping, List<String> allowed, String where) {
            Map<String, NodeTuple> entries = new LinkedHashMap<>();
            for (NodeTuple entry : mapping.getValue()) {
                Node keyNode = entry.getKeyNode();
                if (!(keyNode instanceof ScalarNode scalar)) {
                    if (!allowed.isEmpty()) {
                        problems.add(at(keyNode) + ": " + where + ": a key must be a plain word");
                    }
                    continue;
                }
                String key = scalar.getValue();
                if (!allowed.isEmpty() && !allowed.contains(key)) {
                    String near = allowed.stream().filter(k -> k.equalsIgnoreCase(key)).findFirst()
                            .map(k -> " (did you mean " + k + "?)").orElse("");
                    problems.add(at(keyNode) + ": " + where + ": unknown key " + key + near + ". To fix: use only "
                            + String.join(", ", allowed));
                    continue;
                }
                if (entries.containsKey(key)) {
                    if (!allowed.isEmpty()) {
                        problems.add(at(keyNode) + ": " + where + ": " + key + " is given twice (also at line "
                                + line(entries.get(key).getKeyNode()) + "). To fix: keep one");
                    }
                    continue;
                }
                entries.put(key, entry);
            }
            return entries;
        }

        /** A scalar's text, stripped; null (and a problem) when it is not a non-blank scalar. */
        private String text(Node node, String what, String team) {
            String where = team == null ? "" : team + ": ";
            if (!(node instanceof ScalarNode scalar) || scalar.getTag().equals(Tag.NULL)) {
                problems.add(at(node) + ": " + where + what + " must be a single value, not "
                        + (node instanceof ScalarNode ? "empty" : node instanceof SequenceNode ? "a list" : "a mapping"));
                return null;
            }
            String value = scalar.getValue().strip();
            if (value.isEmpty()) {
                problems.add(at(node) + ": " + where + what + " is blank");
                return null;
            }
            return value;
        }

        /** A YAML value as JSON, types as the YAML core schema reads them. */
        private JsonNode json(Node node, String team, int depth) {
            if (depth > DEEPEST) {
                problems.add(at(node) + ": " + team + ": fields: nested deeper than " + DEEPEST + " levels");
                return null;
            }
            JsonNodeFactory factory = JsonNodeFactory.instance;
            if (node instanceof MappingNode mapping) {
                ObjectNode object = factory.objectNode();
                for (NodeTuple entry : mapping.getValue()) {
                    if (!(entry.getKeyNode() instanceof ScalarNode key)) {
                        problems.add(at(entry.getKeyNode()) + ": " + team + ": fields: a key must be a plain word");
                        return null;
                    }
                    JsonNode value = json(entry.getValueNode(), team, depth + 1);
                    if (value == null) {
                        return null;
                    }
                    object.set(key.getValue(), value);
                }
                return object;
            }
            if (node instanceof SequenceNode sequence) {
                ArrayNode array = factory.arrayNode();
                for (Node item : sequence.getValue()) {
                    JsonNode value = json(item, team, depth + 1);
                    if (value == null) {
                        return null;
                    }
                    array.add(value);
                }
                return array;
            }
            ScalarNode scalar = (ScalarNode) node;
            Tag tag = scalar.getTag();
            if (tag.equals(Tag.NULL)) {
                return factory.nullNode();
            }
            if (tag.equals(Tag.BOOL)) {
                return factory.booleanNode(scalar.getValue().equalsIgnoreCase("true"));
            }
            if (tag.equals(Tag.INT)) {
                BigInteger number = integer(scalar.getValue());
                if (number != null) {
                    return number.bitLength() < 32 ? factory.numberNode(number.intValue())
                            : number.bitLength() < 64 ? factory.numberNode(number.longValue()) : factory.numberNode(number);
                }
            }
            if (tag.equals(Tag.FLOAT)) {
                try {
                    return factory.numberNode(new java.math.BigDecimal(scalar.getValue()));
                } catch (NumberFormatException e) {
                    // .inf, .nan: no JSON number; kept as written
                }
            }
            return factory.textNode(scalar.getValue());
        }

        private String at(Node node) {
            return origin + " line " + line(node);
        }
    }

    // ---------------------------------------------------------------- use

    /** The team of that name, ignoring case. */
    public Optional<Team> named(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(byName.get(fold(name)));
    }

    /** The team that owns services no team lists. */
    public Team defaultTeam() {
        return defaultTeam;
    }

    /** The team listing the service by id or by name (ignoring case), else the default team. */
    public Team ownerOf(String serviceId, String serviceName) {
        Team byId = serviceId == null ? null : byService.get(fold(serviceId));
        if (byId != null) {
            return byId;
        }
        Team byNameOfService = serviceName == null ? null : byService.get(fold(serviceName));
        return byNameOfService != null ? byNameOfService : defaultTeam;
    }

    /** The teams' names, as the file writes them, in file order. */
    public Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        teams.forEach(t -> names.add(t.name()));
        return Collections.unmodifiableSet(names);
    }

    /** Every team, in file order. */
    public List<Team> all() {
        return teams;
    }

    /** Where the teams were read from, as messages name it. */
    public String origin() {
        return origin;
    }

    private static String fold(String text) {
        return text.strip().toLowerCase(Locale.ROOT);
    }

    private static boolean isNull(Node node) {
        return node instanceof ScalarNode scalar && scalar.getTag().equals(Tag.NULL);
    }

    private static int line(Node node) {
        return node.getStartMark().map(Mark::getLine).orElse(-1) + 1;
    }

    private static String show(Node node) {
        return node instanceof ScalarNode scalar ? "'" + scalar.getValue() + "'" : node instanceof SequenceNode ? "(a list)" : "(a mapping)";
    }

    /** A YAML core-schema integer (12, +12, 0x0C, 0o14), or null. */
    private static BigInteger integer(String text) {
        String value = text.replace("_", "");
        try {
            if (value.startsWith("0x")) {
                return new BigInteger(value.substring(2), 16);
            }
            if (value.startsWith("0o")) {
                return new BigInteger(value.substring(2), 8);
            }
            return new BigInteger(value.startsWith("+") ? value.substring(1) : value);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
