package io.postmortembridge.postmortem.document;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Renders a {@link Document} as Atlassian Document Format v1, the body Jira Cloud REST v3 expects
 * for issue descriptions and comments. Jira rejects the whole request when one node is invalid, so
 * the output is kept inside what {@code adf-schema-full.v1.json} allows, whatever the text holds.
 */
public final class AdfRenderer {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private AdfRenderer() {
    }

    public static ObjectNode render(Document doc) {
        ObjectNode root = JSON.objectNode();
        root.put("version", 1);
        root.put("type", "doc");
        ArrayNode content = root.putArray("content");
        for (Block block : doc.blocks()) {
            block(block).ifPresent(content::add);
        }
        return root;
    }

    private static Optional<ObjectNode> block(Block block) {
        if (block instanceof Heading heading) {
            ObjectNode node = node("heading");
            node.putObject("attrs").put("level", heading.level());
            appendText(node.putArray("content"), heading.text(), null);
            return Optional.of(node);
        }
        if (block instanceof Paragraph paragraph) {
            return Optional.of(paragraph(paragraph));
        }
        if (block instanceof BulletList list) {
            // bulletList needs at least one listItem: an empty list has nothing to show anyway
            if (list.items().isEmpty()) {
                return Optional.empty();
            }
            ObjectNode node = node("bulletList");
            ArrayNode items = node.putArray("content");
            for (Paragraph item : list.items()) {
                ObjectNode listItem = node("listItem");
                listItem.putArray("content").add(paragraph(item));
                items.add(listItem);
            }
            return Optional.of(node);
        }
        if (block instanceof Table table) {
            return table(table);
        }
        throw new IllegalArgumentException("unknown block " + block.getClass().getName());
    }

    private static Optional<ObjectNode> table(Table table) {
        // The schema lets a tableRow be empty, but Jira's editor model needs at least one cell per row
        if (table.header().isEmpty()) {
            return Optional.empty();
        }
        ObjectNode node = node("table");
        // Not required by the schema; these are the values Jira's own editor writes, so the table
        // looks the same as one a person made
        node.putObject("attrs").put("isNumberColumnEnabled", false).put("layout", "default");
        ArrayNode rows = node.putArray("content");
        ArrayNode headerCells = row(rows);
        for (String title : table.header()) {
            headerCells.add(cell("tableHeader", Paragraph.text(title)));
        }
        for (List<Paragraph> cells : table.rows()) {
            ArrayNode rowCells = row(rows);
            for (Paragraph cell : cells) {
                rowCells.add(cell("tableCell", cell));
            }
        }
        return Optional.of(node);
    }

    private static ArrayNode row(ArrayNode rows) {
        ObjectNode row = node("tableRow");
        rows.add(row);
        return row.putArray("content");
    }

    /** A cell's content must hold at least one block, so an empty cell still carries an empty paragraph. */
    private static ObjectNode cell(String type, Paragraph content) {
        ObjectNode cell = node(type);
        cell.putArray("content").add(paragraph(content));
        return cell;
    }

    /** An empty paragraph keeps {@code content: []}: allowed by the schema, and callers can walk it blindly. */
    private static ObjectNode paragraph(Paragraph paragraph) {
        ObjectNode node = node("paragraph");
        ArrayNode content = node.putArray("content");
        for (Inline inline : paragraph.content()) {
            if (inline instanceof Inline.Text text) {
                appendText(content, text.text(), text.strong() ? mark("strong") : null);
            } else if (inline instanceof Inline.Link link) {
                appendLink(content, link);
            }
        }
        return node;
    }

    private static void appendLink(ArrayNode content, Inline.Link link) {
        String label = clean(link.text());
        if (label.isBlank()) {
            label = clean(link.href() == null ? "" : link.href().strip());
        }
        Optional<String> href = webHref(link.href());
        if (href.isEmpty()) {
            appendText(content, label, null);
            return;
        }
        ObjectNode mark = mark("link");
        mark.putObject("attrs").put("href", href.get());
        appendText(content, label, mark);
    }

    /**
     * ADF has no newline inside text: each line becomes its own text node, joined by hardBreak.
     * Empty text nodes are invalid, so empty lines contribute only their break.
     */
    private static void appendText(ArrayNode content, String raw, ObjectNode mark) {
        String text = clean(raw);
        int start = 0;
        while (true) {
            int newline = text.indexOf('\n', start);
            String line = newline < 0 ? text.substring(start) : text.substring(start, newline);
            if (!line.isEmpty()) {
                ObjectNode node = node("text");
                node.put("text", line);
                if (mark != null) {
                    node.putArray("marks").add(mark.deepCopy());
                }
                content.add(node);
            }
            if (newline < 0) {
                return;
            }
            content.add(node("hardBreak"));
            start = newline + 1;
        }
    }

    private static ObjectNode node(String type) {
        return JSON.objectNode().put("type", type);
    }

    private static ObjectNode mark(String type) {
        return JSON.objectNode().put("type", type);
    }

    /**
     * Text as every renderer should see it: line endings normalised to {@code \n}; control
     * characters other than newline and tab dropped (they are invisible, and some break JSON/XML
     * consumers downstream); unpaired surrogates dropped (they are not encodable as UTF-8, so
     * Jackson would write them as U+FFFD or fail). Null reads as empty.
     */
    static String clean(String raw) {
        if (raw == null || raw.isEmpty()) {
            return "";
        }
        String text = raw.replace("\r\n", "\n").replace('\r', '\n');
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    out.append(c).append(text.charAt(++i));
                }
            } else if (Character.isLowSurrogate(c)) {
                continue;
            } else if (c == '\n' || c == '\t' || !Character.isISOControl(c)) {
                out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * The href to link to, or empty when it must not be a link. Only absolute http(s) URIs with a
     * host qualify: a viewer follows whatever scheme we emit, and {@code javascript:} or
     * {@code data:} would run in the reader's session. Surrounding whitespace is ignored and inner
     * spaces are percent-encoded, as a browser would; anything else that does not parse (including
     * control characters, which browsers silently drop and so could hide a scheme) is rejected.
     * The result is ASCII-only, so invisible or bidi-control characters cannot disguise it.
     */
    static Optional<String> webHref(String href) {
        if (href == null) {
            return Optional.empty();
        }
        String candidate = href.strip();
        if (candidate.isEmpty() || !clean(candidate).equals(candidate) || candidate.indexOf('\n') >= 0
                || candidate.indexOf('\t') >= 0) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(candidate.replace(" ", "%20"));
            String scheme = uri.getScheme();
            if (scheme == null || uri.isOpaque() || uri.getHost() == null || uri.getHost().isEmpty()) {
                return Optional.empty();
            }
            String lower = scheme.toLowerCase(Locale.ROOT);
            if (!lower.equals("http") && !lower.equals("https")) {
                return Optional.empty();
            }
            return Optional.of(uri.toASCIIString());
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }
}
