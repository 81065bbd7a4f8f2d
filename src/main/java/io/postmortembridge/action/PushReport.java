package io.postmortembridge.action;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import io.postmortembridge.postmortem.document.Block;
import io.postmortembridge.postmortem.document.BulletList;
import io.postmortembridge.postmortem.document.Document;
import io.postmortembridge.postmortem.document.Heading;
import io.postmortembridge.postmortem.document.Inline;
import io.postmortembridge.postmortem.document.Paragraph;
import io.postmortembridge.postmortem.document.Table;

/**
 * The one comment a push leaves on the post-mortem issue: the issues its actions are, and each row
 * that was refused with what to change. Pure: the same outcome always reads the same, which is how
 * a push that changed nothing is told from one that did.
 *
 * @param pushed   the actions in Jira, in table order
 * @param refused  the rows kept out of Jira, in table order
 * @param warnings what the review noticed that does not block
 */
public record PushReport(List<Pushed> pushed, List<Refused> refused, List<Finding> warnings) {

    /** An action that is a Jira issue; {@code sprint} is the sprint's name or why it went to the backlog. */
    public record Pushed(int row, String key, String url, String summary, String owner, LocalDate due, String sprint) {
    }

    /** A row kept out of Jira, and why, in words that say what to change. */
    public record Refused(int row, String action, List<String> reasons) {
    }

    public PushReport {
        pushed = List.copyOf(pushed);
        refused = List.copyOf(refused);
        warnings = List.copyOf(warnings);
    }

    public Document document() {
        List<Block> blocks = new ArrayList<>();
        if (!pushed.isEmpty()) {
            blocks.add(new Heading(3, "Actions in Jira"));
            List<List<Paragraph>> rows = new ArrayList<>();
            for (Pushed p : pushed) {
                rows.add(List.of(
                        Paragraph.of(p.url() == null ? Inline.text(p.key()) : Inline.link(p.key(), p.url())),
                        Paragraph.text(p.summary()),
                        Paragraph.text(p.owner() == null ? "" : p.owner()),
                        Paragraph.text(p.due() == null ? "" : p.due().toString()),
                        Paragraph.text(p.sprint() == null ? "" : p.sprint())));
            }
            blocks.add(new Table(List.of("Issue", "Action", "Owner", "Due", "Sprint"), rows));
        }
        if (!refused.isEmpty()) {
            blocks.add(new Heading(3, "Not pushed: fix these rows of the Actions table"));
            List<Paragraph> items = new ArrayList<>();
            for (Refused r : refused) {
                items.add(Paragraph.of(Inline.strong("Row " + r.row() + (r.action().isBlank() ? "" : " (" + r.action()
                        + ")") + ": "), Inline.text(String.join(" ", r.reasons()))));
            }
            blocks.add(new BulletList(items));
            blocks.add(Paragraph.text("Edit the table; the fixed rows are pushed when the issue is saved. "
                    + "Rows already in Jira are never pushed twice."));
        }
        if (!warnings.isEmpty()) {
            blocks.add(new Heading(3, "Worth a second look (not blocking)"));
            List<Paragraph> items = new ArrayList<>();
            for (Finding w : warnings) {
                String where = w.row() == null ? label(w.field()) : "Row " + w.row();
                items.add(Paragraph.of(Inline.strong(where + ": "), Inline.text(w.message())));
            }
            blocks.add(new BulletList(items));
        }
        if (blocks.isEmpty()) {
            blocks.add(Paragraph.text("The Actions table has no actions yet: add rows (Action | Owner | Due) and save."));
        }
        return new Document(blocks);
    }

    private static String label(String field) {
        return switch (field) {
            case "rootCause" -> "Root cause";
            case "contributingFactors" -> "Contributing factors";
            default -> field;
        };
    }
}
