package io.postmortembridge.postmortem.document;

/** A top-level part of a {@link Document}. */
public sealed interface Block permits Heading, Paragraph, BulletList, Table {
}
