package io.postmortembridge.incident;

/**
 * Who did something, or to whom it was done. People are kept apart from services and integrations
 * because the draft names people by their role unless configured otherwise.
 */
public record Actor(Kind kind, String id, String name) {

    public enum Kind {
        PERSON, SERVICE, SYSTEM
    }

    public boolean isPerson() {
        return kind == Kind.PERSON;
    }
}
