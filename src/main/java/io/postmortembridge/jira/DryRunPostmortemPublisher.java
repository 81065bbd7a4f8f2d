package io.postmortembridge.jira;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.postmortembridge.failure.PermanentFailure;
import io.postmortembridge.http.VendorCall;
import io.postmortembridge.incidentlog.IncidentLog;
import io.postmortembridge.incidentlog.LoggedIncident;
import io.postmortembridge.incidentlog.LoggedPostmortem;

/**
 * Dry-run, when no JIRA_BASE_URL is set: the draft is written as Markdown and the Jira requests
 * that would have been sent are logged, so the whole flow can be tried without an account.
 */
public final class DryRunPostmortemPublisher implements PostmortemPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(DryRunPostmortemPublisher.class);

    private final Path directory;
    private final JiraRequests requests;
    private final IncidentLog incidentLog;
    private final ObjectMapper json;

    public DryRunPostmortemPublisher(Path directory, JiraRequests requests, IncidentLog incidentLog,
            ObjectMapper json) {
        this.directory = directory;
        this.requests = requests;
        this.incidentLog = incidentLog;
        this.json = json;
    }

    @Override
    public void publish(long postmortemId) {
        LoggedPostmortem postmortem = incidentLog.postmortem(postmortemId)
                .orElseThrow(() -> new PermanentFailure("post-mortem " + postmortemId + " is not in the incident log"));
        LoggedIncident incident = incidentLog.incident(postmortem.incidentId()).orElseThrow();
        Path file = directory.resolve(postmortem.idempotencyLabel() + ".md");
        write(file, "# " + postmortem.title() + "\n\n" + postmortem.descriptionMarkdown());
        VendorCall search = requests.findByLabel(postmortem.idempotencyLabel());
        VendorCall create = requests.createIssue(postmortem.title(), postmortem.descriptionAdf(),
                postmortem.idempotencyLabel(), incident.facts().priority());
        LOG.info("Dry-run (JIRA_BASE_URL is not set): post-mortem for {} written to {}. Jira would have "
                        + "received:\n{} {}\n{} {}", incident.facts().name(), file, search, search.body(), create,
                withoutDescription(create.body()));
        LOG.debug("Dry-run: the complete create request: {}", create.body());
        incidentLog.recordWritten(postmortem.id(), file.toString());
    }

    /** The description is the draft itself, already in the file: the log names its size instead. */
    private String withoutDescription(String createBody) {
        try {
            ObjectNode body = (ObjectNode) json.readTree(createBody);
            ObjectNode fields = (ObjectNode) body.get("fields");
            int size = fields.get("description").toString().length();
            fields.put("description", "<ADF, " + size + " characters: the draft>");
            return body.toString();
        } catch (IOException e) {
            throw new UncheckedIOException("the create request is built here and is JSON", e);
        }
    }

    /** Whole or not at all: a reader never sees half a file. */
    private static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Path partial = Files.createTempFile(file.getParent(), ".draft-", ".md.partial");
            Files.writeString(partial, content, StandardCharsets.UTF_8);
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the dry-run draft " + file, e);
        }
    }
}
