package io.postmortembridge.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.fge.jsonschema.core.exceptions.ProcessingException;
import com.github.fge.jsonschema.core.report.ProcessingReport;
import com.github.fge.jsonschema.main.JsonSchema;
import com.github.fge.jsonschema.main.JsonSchemaFactory;

/** Atlassian's ADF JSON schema (draft-04, from refdata), the judge of every description sent to Jira. */
public final class AdfSchema {

    private static final JsonSchema SCHEMA = load();

    private AdfSchema() {
    }

    public static ProcessingReport validate(JsonNode adf) {
        try {
            return SCHEMA.validate(adf, true);
        } catch (ProcessingException e) {
            throw new IllegalStateException("the ADF schema could not be applied", e);
        }
    }

    public static void assertValid(JsonNode adf) {
        ProcessingReport report = validate(adf);
        assertThat(report.isSuccess()).as("ADF schema validation of %s:%n%s", adf, report).isTrue();
    }

    private static JsonSchema load() {
        try {
            JsonNode schema = new ObjectMapper().readTree(Refdata.bytes("adf/adf-schema-full.v1.json"));
            return JsonSchemaFactory.byDefault().getJsonSchema(schema);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ProcessingException e) {
            throw new IllegalStateException("the ADF schema in refdata is not a usable JSON schema", e);
        }
    }
}
