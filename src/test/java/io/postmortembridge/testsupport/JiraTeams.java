package io.postmortembridge.testsupport;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * What the service asks Jira at start about the teams of its teams file (the shipped
 * config/teams.yaml: team platform, project PLAT): that every project exists, and that a project
 * without a configured board has one scrum board at most. Here: every project exists and has none,
 * so actions would go to the backlog. Tests that push actions stub their own boards over these.
 */
public final class JiraTeams {

    private JiraTeams() {
    }

    public static void everyProjectExistsWithoutABoard(VendorApi jira, String email, String token) {
        jira.stubFor(get(urlPathMatching("/rest/api/3/project/[A-Z][A-Z0-9_]*")).withBasicAuth(email, token)
                .willReturn(okJson(resource("jira/actions/project-pay.json"))));
        jira.stubFor(get(urlPathEqualTo("/rest/agile/1.0/board")).withBasicAuth(email, token)
                .willReturn(okJson(resource("jira/actions/boards-none.json"))));
    }

    /** A test resource's text, e.g. {@code jira/actions/sprints-active.json}. */
    public static String resource(String name) {
        try (InputStream in = JiraTeams.class.getResourceAsStream("/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
