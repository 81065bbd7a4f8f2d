package io.postmortembridge.postmortem;

import java.time.LocalDate;

import io.postmortembridge.postmortem.document.Document;

/** A composed post-mortem: its issue title, its body, and when its follow-up is due. */
public record Draft(String title, Document body, LocalDate followUpOn) {
}
