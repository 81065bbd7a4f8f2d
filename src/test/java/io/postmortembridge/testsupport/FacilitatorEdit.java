package io.postmortembridge.testsupport;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A post-mortem issue as a facilitator leaves it after the review meeting: the draft's description
 * as the service created it, with the root cause written and the Actions table filled the way Jira's
 * editor stores it (mention nodes for owners, date nodes for due dates, or typed text).
 */
public final class FacilitatorEdit {

    private static final ObjectMapper JSON = new ObjectMapper();

    private FacilitatorEdit() {
    }

    /** The draft's description with the root cause and the Actions table filled in. */
    public static ObjectNode filled(JsonNode draftDescription, String rootCause, ObjectNode... rows) {
        ObjectNode doc = draftDescription.deepCopy();
        ArrayNode content = (ArrayNode) doc.get("content");
        for (int i = 0; i < content.size(); i++) {
            JsonNode block = content.get(i);
            if (block.path("type").asText().equals("heading") && block.toString().contains("Root cause")) {
                ((ObjectNode) content.get(i + 2)).set("content", JSON.createArrayNode().add(text(rootCause)));
            }
            if (block.path("type").asText().equals("table") && block.toString().contains("Owner")) {
                ArrayNode tableRows = (ArrayNode) block.get("content");
                while (tableRows.size() > 1) {
                    tableRows.remove(1);
                }
                if (Arrays.stream(rows).anyMatch(r -> r.get("content").size() == 4)) {
                    ((ArrayNode) tableRows.get(0).get("content")).add(cell(text("Team")).put("type", "tableHeader"));
                }
                for (ObjectNode row : rows) {
                    tableRows.add(row);
                }
            }
        }
        return doc;
    }

    /** {@code GET /rest/api/3/issue/{key}} of a post-mortem issue with this description and labels. */
    public static String issue(String key, ObjectNode description, List<String> labels) {
        ObjectNode issue = JSON.createObjectNode().put("id", "10001").put("key", key);
        ObjectNode fields = issue.putObject("fields");
        fields.put("summary", "Post-mortem: Critical: Checkout API High Latency");
        fields.set("description", description);
        ArrayNode labelList = fields.putArray("labels");
        labels.forEach(labelList::add);
        fields.putObject("project").put("key", key.substring(0, key.indexOf('-')));
        fields.put("updated", "2026-12-01T10:00:00.000+0000");
        fields.putObject("status").put("name", "To Do").putObject("statusCategory").put("key", "new");
        return issue.toString();
    }

    public static ObjectNode row(String action, ObjectNode owner, ObjectNode due) {
        ObjectNode row = JSON.createObjectNode().put("type", "tableRow");
        ArrayNode cells = row.putArray("content");
        cells.add(cell(text(action)));
        cells.add(cell(owner));
        cells.add(cell(due));
        return row;
    }

    public static ObjectNode row(String action, ObjectNode owner, ObjectNode due, String team) {
        ObjectNode row = row(action, owner, due);
        ((ArrayNode) row.get("content")).add(cell(text(team)));
        return row;
    }

    public static ObjectNode text(String text) {
        return JSON.createObjectNode().put("type", "text").put("text", text);
    }

    public static ObjectNode mention(String accountId, String name) {
        ObjectNode mention = JSON.createObjectNode().put("type", "mention");
        mention.putObject("attrs").put("id", accountId).put("text", "@" + name).put("accessLevel", "");
        return mention;
    }

    /** A date node, as Jira's editor inserts it after {@code //}. */
    public static ObjectNode date(LocalDate date) {
        ObjectNode node = JSON.createObjectNode().put("type", "date");
        node.putObject("attrs").put("timestamp", Long.toString(date.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli()));
        return node;
    }

    private static ObjectNode cell(ObjectNode inline) {
        ObjectNode cell = JSON.createObjectNode().put("type", "tableCell");
        ObjectNode paragraph = cell.putArray("content").addObject().put("type", "paragraph");
        paragraph.putArray("content").add(inline);
        return cell;
    }
}
