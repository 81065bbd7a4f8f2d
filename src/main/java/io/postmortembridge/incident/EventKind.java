package io.postmortembridge.incident;

/**
 * What kind of happening a timeline entry is. An event is something that changed the incident or
 * something a person did; a signal is something the tooling emitted (a page sent, an escalation
 * that reached nobody), which reviews read differently.
 */
public enum EventKind {
    TRIGGERED(false),
    ACKNOWLEDGED(false),
    UNACKNOWLEDGED(false),
    ESCALATED(false),
    REASSIGNED(false),
    DELEGATED(false),
    PRIORITY_CHANGED(false),
    URGENCY_CHANGED(false),
    NOTE(false),
    STATUS_UPDATE(false),
    RESPONDER_REQUESTED(false),
    SNOOZED(false),
    RESOLVED(false),
    REOPENED(false),
    CHANGE(false),
    OTHER(false),
    NOTIFICATION(true),
    ESCALATION_EXHAUSTED(true),
    ESCALATION_REPEATED(true),
    LIMIT_REACHED(true);

    private final boolean signal;

    EventKind(boolean signal) {
        this.signal = signal;
    }

    public boolean isSignal() {
        return signal;
    }
}
