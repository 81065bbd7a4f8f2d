package io.postmortembridge.postmortem.document;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
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
        String label = PlainText.clean(link.text());
        if (label.isBlank()) {
            label = PlainText.clean(link.href() == null ? "" : link.href().strip());
        }
        Optional<String> href = PlainText.webHref(link.href());
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
        String text = PlainText.clean(raw);
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
}
