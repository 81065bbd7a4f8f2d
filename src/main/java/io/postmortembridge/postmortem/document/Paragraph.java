package io.postmortembridge.postmortem.document;

import java.util.List;

/** A run of inline content. An empty paragraph is allowed: it is the blank the review meeting fills. */
public record Paragraph(List<Inline> content) implements Block {
    public Paragraph {
        content = List.copyOf(content);
    }

    public static Paragraph of(Inline... content) {
        return new Paragraph(List.of(content));
    }

    public static Paragraph text(String text) {
        return of(Inline.text(text));
    }

    public static Paragraph empty() {
        return new Paragraph(List.of());
    }
}
