package io.postmortembridge.action;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.IntFunction;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import io.postmortembridge.postmortem.DraftComposer;

/**
 * Reads what a review meeting agreed, either from the post-mortem issue's description (an Atlassian
 * Document Format document, as Jira Cloud REST v3 returns it after the facilitator edited the draft)
 * or from the HTTP API's JSON body. It only reads: nothing is judged here (a missing owner, a vague
 * action, a date in the past are the review's business). What cannot be read at all (no Actions
 * heading, no table, a missing column, a JSON value of the wrong type, more than the service
 * accepts) is a {@link MalformedPostmortemException} that says what to change.
 */
public final class AgreedPostmortemReader {

    /** A review agrees a handful of actions; a table longer than this is a paste accident or an attack. */
    public static final int MAX_ROWS = 200;
    /** An action is a sentence or two; the details belong in a linked document. */
    public static final int MAX_ACTION = 2_000;
    /** Owner, due and team cells hold a name, a date or a team: short. */
    public static final int MAX_CELL = 200;
    /** Jira refuses descriptions longer than this, so no honest root cause is longer. */
    public static final int MAX_SECTION = 32_767;
    /** How deep nodes may nest; the Jira editor stays far below (a list nests a few levels). */
    public static final int MAX_DEPTH = 100;

    /** The template's prompts, as {@code DraftComposer} writes them: removed when left unchanged. */
    static final String ROOT_CAUSE_PROMPT = "The structural cause: which condition of the system made this possible? "
            + "Name conditions, not people.";
    static final String CONTRIBUTING_FACTORS_PROMPT = "What made it worse, longer or harder to see?";

    /** Logical table columns looked at; cells further right are ignored. */
    private static final int MAX_COLUMNS = 100;
    /** The few header names a "no such column" message quotes. */
    private static final int NAMES_QUOTED = 12;
    private static final int NAME_QUOTED_LENGTH = 40;

    private static final String COLUMNS = "Action | Owner | Due (and optionally Team)";
    private static final String JSON_EXAMPLE = "{\"actions\": [{\"action\": \"Alert when replication lag exceeds 30 s\", "
            + "\"owner\": \"jane.doe@example.com\", \"due\": \"2026-12-01\"}]}";
    private static final String JSON_ROW_EXAMPLE = "{\"action\": \"Alert when replication lag exceeds 30 s\", "
            + "\"owner\": \"jane.doe@example.com\", \"due\": \"2026-12-01\", \"team\": \"Payments\"}";

    private static final Pattern ISO_DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    /** Below this, a date node's timestamp is read as seconds: as milliseconds it would fall before March 1973. */
    private static final long SECONDS_BELOW = 100_000_000_000L;

    /** Block nodes that only hold other blocks: a heading inside one still starts a section. */
    private static final Set<String> CONTAINERS = Set.of("panel", "expand", "nestedExpand", "layoutSection",
            "layoutColumn", "blockquote", "bodiedExtension", "syncBlock", "bodiedSyncBlock");
    /** Nodes that show no text a post-mortem could be read from. */
    private static final Set<String> SILENT = Set.of("placeholder", "mediaInline", "inlineExtension", "extension",
            "media", "mediaSingle", "mediaGroup", "rule");

    private AgreedPostmortemReader() {
    }

    // --- Jira description (ADF) -------------------------------------------------------------------

    /**
     * The post-mortem as agreed in its Jira issue's description.
     *
     * @param description the issue's {@code description} field as Jira Cloud REST v3 returns it (an ADF {@code doc})
     * @throws MalformedPostmortemException when the description has no Actions heading, no table under it,
     *                                      a table without the Action, Owner or Due column, more than
     *                                      {@value #MAX_ROWS} filled rows, or a cell longer than allowed
     */
    public static AgreedPostmortem fromAdf(JsonNode description) {
        if (description == null || description.isNull() || description.isMissingNode()) {
            throw new MalformedPostmortemException("The post-mortem issue has no description: put the actions in a "
                    + "table under a heading named Actions, with the columns " + COLUMNS);
        }
        if (description.isTextual()) {
            throw new MalformedPostmortemException("The description is plain text, not an Atlassian Document Format "
                    + "document: read the issue through Jira's REST API v3, which returns the description as a document");
        }
        if (!description.isObject() || !"doc".equals(description.path("type").asText())
                || !description.path("content").isArray()) {
            throw new MalformedPostmortemException("The description is not an Atlassian Document Format document: "
                    + "expected {\"type\": \"doc\", \"version\": 1, \"content\": [...]}");
        }
        List<Block> blocks = new ArrayList<>();
        flatten(description.get("content"), blocks, 1);

        int actions = heading(blocks, "actions");
        if (actions < 0) {
            throw new MalformedPostmortemException("The description has no \"Actions\" heading: put the actions in a "
                    + "table under a heading named Actions, with the columns " + COLUMNS);
        }
        Block table = section(blocks, actions).stream().filter(b -> "table".equals(type(b.node()))).findFirst()
                .orElseThrow(() -> new MalformedPostmortemException("The Actions section has no table: put a table "
                        + "under the Actions heading whose first row names the columns " + COLUMNS
                        + ", then one action per row"));
        List<ActionRow> rows = rows(table);
        String rootCause = sectionText(blocks, "root cause", "Root cause", ROOT_CAUSE_PROMPT);
        String contributing = sectionText(blocks, "contributing factors", "Contributing factors",
                CONTRIBUTING_FACTORS_PROMPT);
        return new AgreedPostmortem(rootCause, contributing, rows);
    }

    /** A block of the document in reading order, with how deep it sits. */
    private record Block(JsonNode node, int depth) {
    }

    /** The document's blocks in reading order, containers (panels, expands, layouts, quotes) opened. */
    private static void flatten(JsonNode content, List<Block> into, int depth) {
        if (depth > MAX_DEPTH) {
            throw tooDeep();
        }
        for (JsonNode node : content) {
            if (!node.isObject()) {
                continue;
            }
            if (CONTAINERS.contains(type(node)) && node.path("content").isArray()) {
                flatten(node.get("content"), into, depth + 1);
            } else {
                into.add(new Block(node, depth));
            }
        }
    }

    /** The index of the first heading named {@code key} (any level, case and a trailing colon ignored), or -1. */
    private static int heading(List<Block> blocks, String key) {
        for (int i = 0; i < blocks.size(); i++) {
            Block block = blocks.get(i);
            if ("heading".equals(type(block.node())) && key.equals(headingKey(block))) {
                return i;
            }
        }
        return -1;
    }

    private static String headingKey(Block heading) {
        Text text = Text.line(200);
        render(heading.node(), text, heading.depth());
        String key = text.text().toLowerCase(Locale.ROOT);
        while (key.endsWith(":") || key.endsWith("\uFF1A")) {
            key = key.substring(0, key.length() - 1).strip();
        }
        return key;
    }

    /** The blocks after the heading at {@code at}, up to the next heading of the same or a higher level. */
    private static List<Block> section(List<Block> blocks, int at) {
        int level = level(blocks.get(at).node());
        int end = at + 1;
        while (end < blocks.size()) {
            JsonNode node = blocks.get(end).node();
            if ("heading".equals(type(node)) && level(node) <= level) {
                break;
            }
            end++;
        }
        return blocks.subList(at + 1, end);
    }

    private static int level(JsonNode heading) {
        JsonNode level = heading.path("attrs").path("level");
        return level.isNumber() ? Math.max(1, Math.min(6, level.asInt())) : 6;
    }

    /** A section as plain text: one line per paragraph, "- " per list item; "" when absent or only the prompt. */
    private static String sectionText(List<Block> blocks, String key, String title, String prompt) {
        int at = heading(blocks, key);
        if (at < 0) {
            return "";
        }
        Text text = Text.lines(MAX_SECTION);
        for (Block block : section(blocks, at)) {
            if ("paragraph".equals(type(block.node())) && isPrompt(block, prompt)) {
                continue;
            }
            render(block.node(), text, block.depth());
            text.blockBoundary();
        }
        if (text.overflow) {
            throw new MalformedPostmortemException("The " + title + " section is longer than " + MAX_SECTION
                    + " characters: summarise it there and link to the details");
        }
        return text.text();
    }

    private static boolean isPrompt(Block paragraph, String prompt) {
        Text text = Text.line(prompt.length());
        render(paragraph.node(), text, paragraph.depth());
        return !text.overflow && text.text().equals(prompt);
    }

    // --- the Actions table ------------------------------------------------------------------------

    /** The columns the push reads, with the header names each may go by (compared in lower case). */
    private enum Column {
        ACTION("Action", MAX_ACTION, "action", "action item", "action items", "actions", "what"),
        OWNER("Owner", MAX_CELL, "owner", "assignee", "who"),
        DUE("Due", MAX_CELL, "due", "due date", "when", "deadline"),
        TEAM("Team", MAX_CELL, "team");

        final String title;
        final int limit;
        final Set<String> names;

        Column(String title, int limit, String... names) {
            this.title = title;
            this.limit = limit;
            this.names = Set.of(names);
        }

        static Column named(String header) {
            String key = header.toLowerCase(Locale.ROOT);
            while (key.endsWith(":")) {
                key = key.substring(0, key.length() - 1).strip();
            }
            for (Column column : values()) {
                if (column.names.contains(key)) {
                    return column;
                }
            }
            return null;
        }
    }

    private static List<ActionRow> rows(Block table) {
        List<JsonNode> tableRows = new ArrayList<>();
        for (JsonNode row : table.node().path("content")) {
            if (row.isObject()) {
                tableRows.add(row);
            }
        }
        if (tableRows.isEmpty()) {
            throw new MalformedPostmortemException("The Actions table is empty: its first row must name the columns "
                    + COLUMNS + ", then one action per row");
        }
        int depth = table.depth();
        Grid grid = new Grid();
        Map<Integer, Text> header = grid.next(tableRows.get(0), column -> Text.line(NAME_QUOTED_LENGTH * 4), depth, true);
        Map<Column, Integer> columns = columns(header);
        Map<Integer, Column> byIndex = new HashMap<>();
        columns.forEach((column, index) -> byIndex.put(index, column));

        List<ActionRow> rows = new ArrayList<>();
        // Cells outside the read columns are only looked at to tell a blank row: one character is enough
        IntFunction<Text> cellText = index -> Text.line(byIndex.containsKey(index) ? byIndex.get(index).limit : 1);
        for (int position = 1; position < tableRows.size(); position++) {
            Map<Integer, Text> cells = grid.next(tableRows.get(position), cellText, depth, false);
            if (cells.values().stream().allMatch(Text::isEmpty)) {
                continue;
            }
            if (rows.size() == MAX_ROWS) {
                throw new MalformedPostmortemException("The Actions table has more than " + MAX_ROWS + " actions: "
                        + "keep the few the review agreed on (a handful is usual) and track the rest elsewhere");
            }
            rows.add(row(position, cells, columns));
        }
        return rows;
    }

    private static Map<Column, Integer> columns(Map<Integer, Text> header) {
        Map<Column, Integer> columns = new EnumMap<>(Column.class);
        Map<Column, String> firstName = new EnumMap<>(Column.class);
        List<String> names = new ArrayList<>();
        for (Map.Entry<Integer, Text> cell : new TreeMap<>(header).entrySet()) {
            String name = cell.getValue().text();
            if (name.isEmpty()) {
                continue;
            }
            names.add(name);
            Column column = Column.named(name);
            if (column == null) {
                continue;
            }
            if (columns.containsKey(column)) {
                throw new MalformedPostmortemException("The Actions table has two " + column.title + " columns (\""
                        + quoted(firstName.get(column)) + "\" and \"" + quoted(name) + "\"): keep one, so that each "
                        + "row has one " + column.title.toLowerCase(Locale.ROOT));
            }
            columns.put(column, cell.getKey());
            firstName.put(column, name);
        }
        List<String> missing = new ArrayList<>();
        for (Column column : List.of(Column.ACTION, Column.OWNER, Column.DUE)) {
            if (!columns.containsKey(column)) {
                missing.add(column.title);
            }
        }
        if (!missing.isEmpty()) {
            String which = missing.size() == 1 ? missing.get(0) + " column"
                    : String.join(", ", missing.subList(0, missing.size() - 1)) + " or " + missing.get(missing.size() - 1)
                            + " column";
            throw new MalformedPostmortemException("The Actions table has no " + which + ": its first row must name "
                    + "the columns Action | Owner | Due (Team is optional); " + (names.isEmpty() ? "it is empty"
                            : "it names: " + quotedList(names)));
        }
        return columns;
    }

    private static String quotedList(List<String> names) {
        List<String> shown = new ArrayList<>();
        for (String name : names.subList(0, Math.min(names.size(), NAMES_QUOTED))) {
            shown.add(quoted(name));
        }
        return String.join(", ", shown) + (names.size() > NAMES_QUOTED ? ", …" : "");
    }

    private static String quoted(String name) {
        return DraftComposer.cut(name, NAME_QUOTED_LENGTH);
    }

    private static ActionRow row(int position, Map<Integer, Text> cells, Map<Column, Integer> columns) {
        Text action = cell(cells, columns.get(Column.ACTION));
        Text owner = cell(cells, columns.get(Column.OWNER));
        Text due = cell(cells, columns.get(Column.DUE));
        Text team = cell(cells, columns.get(Column.TEAM));
        String where = "Row " + position + " of the Actions table: ";
        if (action.overflow) {
            throw new MalformedPostmortemException(where + "the action is longer than " + MAX_ACTION + " characters; "
                    + "say what will be done in a sentence or two and link to the details");
        }
        if (owner.overflow) {
            throw new MalformedPostmortemException(where + "the Owner cell is longer than " + MAX_CELL
                    + " characters; name one person, with an @mention");
        }
        if (due.overflow) {
            throw new MalformedPostmortemException(where + "the Due cell is longer than " + MAX_CELL
                    + " characters; write one date, such as 2026-12-01");
        }
        if (team.overflow) {
            throw new MalformedPostmortemException(where + "the Team cell is longer than " + MAX_CELL
                    + " characters; write the name of one team");
        }
        String teamText = team.text();
        return new ActionRow(position, action.text(), owner(owner), due(due), teamText.isEmpty() ? null : teamText);
    }

    private static Text cell(Map<Integer, Text> cells, Integer column) {
        Text text = column == null ? null : cells.get(column);
        return text == null ? Text.line(0) : text;
    }

    private static ActionRow.Owner owner(Text cell) {
        if (cell.mentions.size() >= 2) {
            return new ActionRow.Owner.Several(List.copyOf(cell.mentions.values()));
        }
        if (cell.mentions.size() == 1 && !cell.wordsBesideMentions) {
            Map.Entry<String, String> mention = cell.mentions.entrySet().iterator().next();
            return new ActionRow.Owner.Mention(mention.getKey(), mention.getValue());
        }
        String text = cell.text();
        return text.isEmpty() ? new ActionRow.Owner.Missing() : new ActionRow.Owner.Written(text);
    }

    private static ActionRow.Due due(Text cell) {
        if (cell.dates.size() == 1 && !cell.wordsBesideDates) {
            return new ActionRow.Due.On(cell.dates.iterator().next());
        }
        return due(cell.text());
    }

    private static ActionRow.Due due(String text) {
        if (text.isEmpty()) {
            return new ActionRow.Due.Missing();
        }
        if (ISO_DATE.matcher(text).matches()) {
            try {
                return new ActionRow.Due.On(LocalDate.parse(text));
            } catch (DateTimeParseException e) {
                // 2026-02-30: written, not a date
            }
        }
        return new ActionRow.Due.Written(text);
    }

    /**
     * Lays a table's rows out on columns the way an editor shows them: a cell merged over several rows
     * ({@code rowspan}) takes its column in the rows below (and its text counts for each of them), a
     * cell merged over several columns ({@code colspan}) takes them all (its text counts for the first).
     */
    private static final class Grid {

        private record Span(int rowsLeft, Text text) {
        }

        private Map<Integer, Span> spans = new HashMap<>();

        /** The next row's cells by column index; columns without a cell are absent. */
        Map<Integer, Text> next(JsonNode row, IntFunction<Text> newText, int depth, boolean header) {
            Map<Integer, Span> above = spans;
            spans = new HashMap<>();
            Map<Integer, Text> cells = new HashMap<>();
            above.forEach((column, span) -> {
                if (span.text() != null) {
                    cells.put(column, span.text());
                }
                if (span.rowsLeft() > 1) {
                    spans.put(column, new Span(span.rowsLeft() - 1, span.text()));
                }
            });
            int column = 0;
            for (JsonNode cell : row.path("content")) {
                if (!cell.isObject()) {
                    continue;
                }
                while (above.containsKey(column)) {
                    column++;
                }
                if (column >= MAX_COLUMNS) {
                    break;
                }
                int colspan = span(cell, "colspan", MAX_COLUMNS);
                int rowspan = span(cell, "rowspan", Integer.MAX_VALUE);
                Text text = newText.apply(column);
                render(cell, text, depth + 2);
                cells.put(column, text);
                if (rowspan > 1) {
                    for (int c = column; c < Math.min(column + colspan, MAX_COLUMNS); c++) {
                        // a header cell reaching down names no data
                        spans.put(c, new Span(rowspan - 1, c == column && !header ? text : null));
                    }
                }
                column += colspan;
            }
            return cells;
        }

        private static int span(JsonNode cell, String name, int max) {
            double value = cell.path("attrs").path(name).asDouble(1);
            return value >= 1 ? (int) Math.min(value, max) : 1;
        }
    }

    // --- HTTP API body ----------------------------------------------------------------------------

    /**
     * The post-mortem as the HTTP API receives it:
     * {@code {"rootCause": "...", "contributingFactors": "...", "actions": [{"action", "owner", "due", "team"}]}}.
     * Unknown fields are ignored; {@code null} reads as absent.
     *
     * @throws MalformedPostmortemException naming the JSON path of a value of the wrong type or too long,
     *                                      or when there are more than {@value #MAX_ROWS} actions
     */
    public static AgreedPostmortem fromJson(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new MalformedPostmortemException("The body must be a JSON object such as " + JSON_EXAMPLE);
        }
        String rootCause = jsonSection(body, "rootCause");
        String contributing = jsonSection(body, "contributingFactors");
        JsonNode actions = body.get("actions");
        if (actions == null || actions.isNull()) {
            throw new MalformedPostmortemException("actions is required: an array of objects such as "
                    + JSON_ROW_EXAMPLE + ", or [] when the review agreed none");
        }
        if (!actions.isArray()) {
            throw new MalformedPostmortemException("actions must be an array of objects such as " + JSON_ROW_EXAMPLE);
        }
        if (actions.size() > MAX_ROWS) {
            throw new MalformedPostmortemException("actions has " + actions.size() + " items; at most " + MAX_ROWS
                    + " are accepted: keep the few the review agreed on and track the rest elsewhere");
        }
        List<ActionRow> rows = new ArrayList<>();
        for (int i = 0; i < actions.size(); i++) {
            JsonNode item = actions.get(i);
            String path = "actions[" + i + "]";
            if (!item.isObject()) {
                throw new MalformedPostmortemException(path + " must be an object such as " + JSON_ROW_EXAMPLE);
            }
            String action = field(item, path, "action", MAX_ACTION, "such as \"Alert when replication lag exceeds 30 s\"",
                    "say what will be done in a sentence or two and link to the details");
            String owner = field(item, path, "owner", MAX_CELL, "such as \"jane.doe@example.com\"", "name one person");
            String due = field(item, path, "due", MAX_CELL, "such as \"2026-12-01\"", "write one date, such as 2026-12-01");
            String team = field(item, path, "team", MAX_CELL, "such as \"Payments\"", "write the name of one team");
            rows.add(new ActionRow(i + 1, action, owner.isEmpty() ? new ActionRow.Owner.Missing()
                    : new ActionRow.Owner.Written(owner), due(due), team.isEmpty() ? null : team));
        }
        return new AgreedPostmortem(rootCause, contributing, rows);
    }

    private static String jsonSection(JsonNode body, String name) {
        JsonNode value = body.get(name);
        if (value == null || value.isNull()) {
            return "";
        }
        if (!value.isTextual()) {
            throw new MalformedPostmortemException(name + " must be a string");
        }
        Text text = Text.lines(MAX_SECTION);
        text.append(value.textValue());
        if (text.overflow) {
            throw new MalformedPostmortemException(name + " is longer than " + MAX_SECTION
                    + " characters: summarise it and link to the details");
        }
        return text.text();
    }

    /** A one-line string field, "" when absent, null or blank. */
    private static String field(JsonNode item, String path, String name, int limit, String example, String advice) {
        JsonNode value = item.get(name);
        if (value == null || value.isNull()) {
            return "";
        }
        if (!value.isTextual()) {
            throw new MalformedPostmortemException(path + "." + name + " must be a string " + example);
        }
        Text text = Text.line(limit);
        text.append(value.textValue());
        if (text.overflow) {
            throw new MalformedPostmortemException(path + "." + name + " is longer than " + limit + " characters; "
                    + advice);
        }
        return text.text();
    }

    // --- text -------------------------------------------------------------------------------------

    private static String type(JsonNode node) {
        JsonNode type = node.get("type");
        return type != null && type.isTextual() ? type.textValue() : "";
    }

    private static String string(JsonNode value) {
        return value != null && value.isValueNode() && !value.isNull() ? value.asText() : "";
    }

    private static MalformedPostmortemException tooDeep() {
        return new MalformedPostmortemException("The description is nested more than " + MAX_DEPTH
                + " levels deep: flatten its lists and panels");
    }

    /** Writes a node's text into {@code text}. */
    private static void render(JsonNode node, Text text, int depth) {
        if (!node.isObject() || text.overflow) {
            return;
        }
        if (depth > MAX_DEPTH) {
            throw tooDeep();
        }
        JsonNode attrs = node.path("attrs");
        String type = type(node);
        switch (type) {
            case "text" -> text.append(string(node.get("text")));
            case "hardBreak" -> text.lineBreak();
            case "mention" -> text.mention(string(attrs.get("id")).strip(), string(attrs.get("text")),
                    "SPECIAL".equals(string(attrs.get("userType"))));
            case "date" -> text.date(string(attrs.get("timestamp")));
            case "emoji" -> {
                String shown = string(attrs.get("text"));
                text.append(shown.isBlank() ? string(attrs.get("shortName")) : shown);
            }
            case "status" -> text.append(string(attrs.get("text")));
            case "inlineCard" -> text.append(string(attrs.get("url")));
            case "blockCard", "embedCard" -> {
                text.blockBoundary();
                text.append(string(attrs.get("url")));
                text.blockBoundary();
            }
            case "bulletList", "orderedList", "taskList", "decisionList" -> list(node, text, depth);
            case "table" -> {
                if (text.lines) {
                    tableLines(node, text, depth);
                } else {
                    blockChildren(node, text, depth);
                }
            }
            default -> {
                if (!SILENT.contains(type)) {
                    blockChildren(node, text, depth);
                }
            }
        }
    }

    private static void blockChildren(JsonNode node, Text text, int depth) {
        JsonNode content = node.get("content");
        if (content == null || !content.isArray()) {
            return;
        }
        text.blockBoundary();
        for (JsonNode child : content) {
            render(child, text, depth + 1);
        }
        text.blockBoundary();
    }

    private static void list(JsonNode list, Text text, int depth) {
        boolean ordered = "orderedList".equals(type(list));
        long number = ordered ? Math.max(0, list.path("attrs").path("order").asLong(1)) : 0;
        text.listStart();
        int index = 0;
        for (JsonNode item : list.path("content")) {
            if (!item.isObject()) {
                continue;
            }
            text.itemStart(index++, ordered ? (number++) + ". " : "- ");
            for (JsonNode child : item.path("content")) {
                render(child, text, depth + 2);
            }
            text.itemEnd();
        }
        text.listEnd();
    }

    /** A table inside a section: one line per row, cells separated by " | ". */
    private static void tableLines(JsonNode table, Text text, int depth) {
        for (JsonNode row : table.path("content")) {
            StringBuilder line = new StringBuilder();
            for (JsonNode cell : row.path("content")) {
                if (text.overflow) {
                    return;
                }
                Text cellText = Text.line(MAX_SECTION);
                render(cell, cellText, depth + 2);
                if (cellText.overflow) {
                    text.overflow = true;
                    return;
                }
                if (!cellText.isEmpty()) {
                    line.append(line.length() == 0 ? "" : " | ").append(cellText.text());
                }
            }
            text.newline();
            text.append(line.toString());
            text.newline();
        }
    }

    /** The UTC date of a date node's timestamp (epoch milliseconds; seconds tolerated), or null. */
    static LocalDate timestampDate(String timestamp) {
        String digits = timestamp.strip();
        if (!digits.matches("-?\\d{1,18}")) {
            return null;
        }
        long value = Long.parseLong(digits);
        long millis = Math.abs(value) < SECONDS_BELOW ? value * 1000 : value;
        try {
            return Instant.ofEpochMilli(millis).atZone(ZoneOffset.UTC).toLocalDate();
        } catch (DateTimeException e) {
            return null;
        }
    }

    /**
     * Text as it is read: whitespace runs become one space, control and invisible formatting characters
     * are dropped, unpaired surrogates too; nothing leads or trails. In one-line mode (cells) blocks and
     * line breaks are spaces and list items are joined by "; ". In lines mode (sections) blocks and line
     * breaks end a line, empty lines are dropped and list items are written "- item", nested ones indented.
     * It stops at {@code limit} characters and says so ({@link #overflow}). Along the way it notes the
     * mentions and dates it saw, and whether anything but punctuation was written beside them.
     */
    private static final class Text {

        private enum Source { TEXT, MENTION, DATE }

        /** Distinct people (and dates) kept for one cell; two already make it "several". */
        private static final int MAX_KEPT = 50;

        final boolean lines;
        final int limit;
        final StringBuilder out = new StringBuilder();
        boolean overflow;

        private boolean lineHasText;
        private boolean space;
        private boolean separator;
        private String bullet;
        private final List<String> indents = new ArrayList<>();
        private int listDepth;

        private Source source = Source.TEXT;
        /** accountId → name, in the order mentioned. */
        final Map<String, String> mentions = new LinkedHashMap<>();
        final Set<LocalDate> dates = new LinkedHashSet<>();
        boolean wordsBesideMentions;
        boolean wordsBesideDates;

        private Text(boolean lines, int limit) {
            this.lines = lines;
            this.limit = limit;
        }

        static Text line(int limit) {
            return new Text(false, limit);
        }

        static Text lines(int limit) {
            return new Text(true, limit);
        }

        String text() {
            return out.toString();
        }

        boolean isEmpty() {
            return out.length() == 0 && !overflow;
        }

        void append(String raw) {
            for (int i = 0; i < raw.length() && !overflow; ) {
                int cp = raw.codePointAt(i);
                i += Character.charCount(cp);
                if (Character.getType(cp) == Character.SURROGATE) {
                    continue;
                }
                if (cp == '\n' || cp == '\r' || cp == 0x85 || cp == 0x2028 || cp == 0x2029) {
                    lineBreak();
                } else if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
                    space = true;
                } else if (!invisible(cp)) {
                    visible(cp);
                }
            }
        }

        private static boolean invisible(int cp) {
            return Character.getType(cp) == Character.CONTROL
                    || (cp >= 0x200B && cp <= 0x200F) // zero-width space, joiners' neighbours, LRM, RLM
                    || (cp >= 0x202A && cp <= 0x202E) // bidi embeddings and overrides
                    || (cp >= 0x2066 && cp <= 0x2069) // bidi isolates
                    || cp == 0x2060 || cp == 0xFEFF || cp == 0x00AD;
        }

        private void visible(int cp) {
            String lead;
            if (lineHasText) {
                lead = separator ? "; " : space ? " " : "";
            } else if (lines) {
                lead = (out.length() > 0 ? "\n" : "") + indentation();
            } else {
                lead = "";
            }
            if (out.length() + lead.length() + Character.charCount(cp) > limit) {
                overflow = true;
                return;
            }
            out.append(lead).appendCodePoint(cp);
            lineHasText = true;
            space = false;
            separator = false;
            bullet = null;
            if (!isPunctuation(cp)) {
                wordsBesideMentions |= source != Source.MENTION;
                wordsBesideDates |= source != Source.DATE;
            }
        }

        private String indentation() {
            StringBuilder indent = new StringBuilder();
            int inherited = indents.size() - (bullet == null ? 0 : 1);
            for (int i = 0; i < inherited; i++) {
                indent.append(indents.get(i));
            }
            return bullet == null ? indent.toString() : indent.append(bullet).toString();
        }

        private static boolean isPunctuation(int cp) {
            return switch (Character.getType(cp)) {
                case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                        Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION,
                        Character.FINAL_QUOTE_PUNCTUATION, Character.OTHER_PUNCTUATION -> true;
                default -> false;
            };
        }

        /** A hard line break. */
        void lineBreak() {
            if (lines) {
                newline();
            } else {
                space = true;
            }
        }

        /** The edge of a block (paragraph, heading, cell, card). */
        void blockBoundary() {
            lineBreak();
        }

        /** Ends the current line (lines mode); the next text starts a new one. */
        void newline() {
            if (lines) {
                lineHasText = false;
                space = false;
                separator = false;
            } else {
                space = true;
            }
        }

        void listStart() {
            listDepth++;
            blockBoundary();
        }

        void itemStart(int index, String itemBullet) {
            if (lines) {
                newline();
                bullet = itemBullet;
                indents.add(" ".repeat(itemBullet.length()));
            } else if (index > 0 || listDepth > 1) {
                separator = true;
            } else {
                space = true;
            }
        }

        void itemEnd() {
            if (lines) {
                newline();
                indents.remove(indents.size() - 1);
                bullet = null;
            }
        }

        void listEnd() {
            listDepth--;
            separator = false;
            blockBoundary();
        }

        void mention(String accountId, String shown, boolean special) {
            if (accountId.isEmpty() || special) {
                append(shown.isBlank() ? "@" + accountId : shown);
                return;
            }
            Text clean = Text.line(MAX_CELL);
            clean.append(shown);
            String name = clean.text();
            name = name.startsWith("@") ? name.substring(1).strip() : name;
            if (name.isEmpty()) {
                name = accountId;
            }
            if (mentions.size() < MAX_KEPT) {
                mentions.putIfAbsent(accountId, name);
            }
            source = Source.MENTION;
            append(shown.isBlank() ? "@" + name : shown);
            source = Source.TEXT;
        }

        void date(String timestamp) {
            LocalDate date = timestampDate(timestamp);
            if (date == null) {
                append(timestamp);
                return;
            }
            if (dates.size() < MAX_KEPT) {
                dates.add(date);
            }
            source = Source.DATE;
            append(date.toString());
            source = Source.TEXT;
        }
    }
}
