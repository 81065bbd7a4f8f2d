package io.postmortembridge.postmortem.document;

import java.util.List;

/** A table with a header row; each cell is one paragraph. Every row has as many cells as the header. */
public record Table(List<String> header, List<List<Paragraph>> rows) implements Block {
    public Table {
        header = List.copyOf(header);
        rows = rows.stream().map(List::copyOf).toList();
        for (List<Paragraph> row : rows) {
            if (row.size() != header.size()) {
                throw new IllegalArgumentException(
                        "table row has " + row.size() + " cells, header has " + header.size());
            }
        }
    }
}
