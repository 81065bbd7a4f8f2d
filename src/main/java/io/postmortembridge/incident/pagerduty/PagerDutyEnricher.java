package io.postmortembridge.incident.pagerduty;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.postmortembridge.failure.TransientFailure;
import io.postmortembridge.http.VendorCall;
import io.postmortembridge.http.VendorHttp;
import io.postmortembridge.http.VendorReply;
import io.postmortembridge.incident.IncidentEvent;
import io.postmortembridge.incident.IncidentSnapshot;
import io.postmortembridge.incident.IncidentStatus;
import io.postmortembridge.incident.Source;
import io.postmortembridge.incidentlog.IncidentLog;
import io.postmortembridge.incidentlog.LoggedIncident;

/**
 * Completes a resolved incident from PagerDuty's REST API: the incident itself, every page of its
 * log entries, its notes and the changes PagerDuty relates to it. Webhook payloads can be trimmed
 * and say nothing about pages sent or escalations that reached nobody; the REST log does.
 *
 * <p>PagerDuty being down or rate-limiting throws a {@link TransientFailure}, so the outbox tries
 * again later. A refused token or a vanished incident does not stop the draft: it is written from
 * the webhook events, and the log says what to fix.
 */
public final class PagerDutyEnricher {

    private static final Logger LOG = LoggerFactory.getLogger(PagerDutyEnricher.class);
    private static final int PAGE = 100;
    /** PagerDuty refuses offset + limit beyond 10 000. */
    private static final int MAX_OFFSET = 10_000 - PAGE;

    private final VendorHttp pagerDuty;
    private final IncidentLog incidentLog;
    private final ObjectMapper json;

    /** @param pagerDuty null when no PAGERDUTY_API_TOKEN is configured: drafts then use the webhook events alone */
    public PagerDutyEnricher(VendorHttp pagerDuty, IncidentLog incidentLog, ObjectMapper json) {
        this.pagerDuty = pagerDuty;
        this.incidentLog = incidentLog;
        this.json = json;
    }

    /** Enriches the logged incident with this id, if it is PagerDuty's. */
    public void enrich(long incidentId) {
        if (pagerDuty == null) {
            return;
        }
        Optional<LoggedIncident> logged = incidentLog.incident(incidentId);
        if (logged.isEmpty() || logged.get().facts().source() != Source.PAGERDUTY) {
            return;
        }
        LoggedIncident incident = logged.get();
        String id = incident.facts().externalId();
        String base = "/incidents/" + id;
        Optional<JsonNode> found = fetch(id, VendorCall.get(base, List.of()));
        if (found.isEmpty()) {
            return;
        }
        IncidentSnapshot rest = PagerDutyRecords.incident(id, found.get().path("incident"));
        List<IncidentEvent> events = new ArrayList<>();
        events.addAll(logEntries(id, base + "/log_entries"));
        fetch(id, VendorCall.get(base + "/notes", List.of()))
                .ifPresent(notes -> events.addAll(read(notes.path("notes"), PagerDutyRecords::note)));
        fetch(id, VendorCall.get(base + "/related_change_events", List.of(Map.entry("limit", Integer.toString(PAGE)))))
                .ifPresent(changes -> events.addAll(read(changes.path("change_events"), PagerDutyRecords::changeEvent)));
        incidentLog.enrich(incident.id(), keepResolution(rest), events);
        LOG.debug("PagerDuty incident {} enriched with {} events from the REST API", id, events.size());
    }

    /**
     * Every page. PagerDuty may return fewer entries than asked for (it caps {@code limit}), so the
     * next page starts after what this one held, not after what was asked for.
     */
    private List<IncidentEvent> logEntries(String id, String path) {
        List<IncidentEvent> events = new ArrayList<>();
        int offset = 0;
        while (offset <= MAX_OFFSET) {
            Optional<JsonNode> page = fetch(id, VendorCall.get(path, List.of(
                    Map.entry("limit", Integer.toString(PAGE)),
                    Map.entry("offset", Integer.toString(offset)))));
            if (page.isEmpty()) {
                break;
            }
            JsonNode entries = page.get().path("log_entries");
            events.addAll(read(entries, PagerDutyRecords::logEntry));
            if (!page.get().path("more").asBoolean(false) || entries.isEmpty()) {
                break;
            }
            offset += entries.size();
        }
        return events;
    }

    /**
     * The REST incident can lag behind the webhook that resolved it; a resolution we already hold is
     * not undone by a stale "acknowledged".
     */
    private static IncidentSnapshot keepResolution(IncidentSnapshot s) {
        if (s.status() == IncidentStatus.RESOLVED) {
            return s;
        }
        return new IncidentSnapshot(s.source(), s.externalId(), s.number(), s.title(), s.serviceId(),
                s.serviceName(), s.priority(), s.urgency(), null, s.htmlUrl(), s.startedAt(), null);
    }

    private Optional<JsonNode> fetch(String incident, VendorCall call) {
        VendorReply reply = pagerDuty.send(call);
        if (reply.isSuccess()) {
            try {
                return Optional.of(json.readTree(reply.body()));
            } catch (IOException e) {
                throw new TransientFailure("PagerDuty answered " + call + " with a body that is not JSON", null);
            }
        }
        if (reply.isTransientFailure()) {
            throw reply.transientFailure("PagerDuty (" + call + ")");
        }
        LOG.warn("PagerDuty answered HTTP {} to {}: the draft for incident {} goes without it. {}", reply.status(),
                call, incident, hint(reply.status()));
        return Optional.empty();
    }

    private static String hint(int status) {
        return switch (status) {
            case 401 -> "PAGERDUTY_API_TOKEN was refused: set a valid REST API key.";
            case 403 -> "PAGERDUTY_API_TOKEN may not read incidents: use a key with read access.";
            case 404 -> "The incident is not visible to PAGERDUTY_API_TOKEN's account (or PAGERDUTY_API_URL is wrong).";
            default -> "";
        };
    }

    private static <T> List<T> read(JsonNode array, Function<JsonNode, Optional<T>> reader) {
        List<T> items = new ArrayList<>();
        if (array.isArray()) {
            array.forEach(node -> reader.apply(node).ifPresent(items::add));
        }
        return items;
    }
}
