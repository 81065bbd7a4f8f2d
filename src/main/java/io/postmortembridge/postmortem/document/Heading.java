package io.postmortembridge.postmortem.document;

/** A section title; level 1 to 6. */
public record Heading(int level, String text) implements Block {
    public Heading {
        if (level < 1 || level > 6) {
            throw new IllegalArgumentException("heading level must be 1..6, was " + level);
        }
    }
}
