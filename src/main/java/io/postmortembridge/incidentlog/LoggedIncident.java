package io.postmortembridge.incidentlog;

import io.postmortembridge.incident.IncidentSnapshot;

/**
 * An incident as the log holds it.
 *
 * @param review       "needed", "not-needed", or null while not yet decided
 * @param reviewReason why, in words for the log
 */
public record LoggedIncident(long id, IncidentSnapshot facts, String review, String reviewReason) {
}
