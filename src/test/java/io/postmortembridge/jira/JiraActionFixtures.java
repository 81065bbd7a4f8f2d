package io.postmortembridge.jira;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import com.github.tomakehurst.wiremock.client.MappingBuilder;

/** Stub bodies under {@code src/test/resources/jira/actions/} and the credentials the tests use. */
final class JiraActionFixtures {

    static final String EMAIL = "postmortems@example.com";
    static final String TOKEN = "jira-token-actions";

    private JiraActionFixtures() {
    }

    static String fixture(String name) {
        try (InputStream in = JiraActionFixtures.class.getResourceAsStream("/jira/actions/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource jira/actions/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The stub answers only requests with the service's credentials. */
    static MappingBuilder authenticated(MappingBuilder mapping) {
        return mapping.withBasicAuth(EMAIL, TOKEN);
    }
}
