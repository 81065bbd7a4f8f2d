package io.postmortembridge.postmortem.document;

import java.util.List;

/**
 * A post-mortem as structure, independent of where it is shown. The same document renders to
 * Atlassian Document Format (Jira Cloud), Markdown (dry-run files) and, later, Jira wiki markup.
 * Text is held raw; every renderer escapes it for its own target.
 */
public record Document(List<Block> blocks) {
    public Document {
        blocks = List.copyOf(blocks);
    }
}
