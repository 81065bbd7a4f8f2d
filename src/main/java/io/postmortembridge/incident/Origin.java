package io.postmortembridge.incident;

/** Which feed an event was read from. The REST log is the source of truth where both exist. */
public enum Origin {
    WEBHOOK, LOG_ENTRY, NOTE, CHANGE_EVENT
}
