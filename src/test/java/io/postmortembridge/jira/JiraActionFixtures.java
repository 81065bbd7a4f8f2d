package io.postmortembridge.jira;

import com.github.tomakehurst.wiremock.client.MappingBuilder;

import io.postmortembridge.testsupport.JiraTeams;

/** Stub bodies under {@code src/test/resources/jira/actions/} and the credentials the tests use. */
final class JiraActionFixtures {

    static final String EMAIL = "postmortems@example.com";
    static final String TOKEN = "jira-token-actions";

    private JiraActionFixtures() {
    }

    static String fixture(String name) {
        return JiraTeams.resource("jira/actions/" + name);
    }

    /** The stub answers only requests with the service's credentials. */
    static MappingBuilder authenticated(MappingBuilder mapping) {
        return mapping.withBasicAuth(EMAIL, TOKEN);
    }
}
