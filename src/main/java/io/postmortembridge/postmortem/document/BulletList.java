package io.postmortembridge.postmortem.document;

import java.util.List;

/** An unordered list, one paragraph per item. */
public record BulletList(List<Paragraph> items) implements Block {
    public BulletList {
        items = List.copyOf(items);
    }
}
