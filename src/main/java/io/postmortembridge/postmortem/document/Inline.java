package io.postmortembridge.postmortem.document;

/** Inline content of a paragraph. */
public sealed interface Inline permits Inline.Text, Inline.Link {

    /** Plain text, optionally strong. May contain any characters; renderers escape. */
    record Text(String text, boolean strong) implements Inline {
    }

    /** A hyperlink. Renderers show only http(s) targets as links and fall back to plain text otherwise. */
    record Link(String text, String href) implements Inline {
    }

    static Inline text(String text) {
        return new Text(text, false);
    }

    static Inline strong(String text) {
        return new Text(text, true);
    }

    static Inline link(String text, String href) {
        return new Link(text, href);
    }
}
