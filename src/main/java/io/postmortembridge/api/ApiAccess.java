package io.postmortembridge.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import io.postmortembridge.server.HttpAnswer;

/**
 * Who may call {@code /api/*}: with {@code API_TOKEN} set, whoever sends it as a bearer token
 * (compared in constant time). Without it, anyone while the service only runs dry; once Jira is
 * configured the API changes real issues, so it is closed until a token is set.
 */
public final class ApiAccess {

    private static final String BEARER = "Bearer ";

    private final byte[] token;
    private final boolean jiraConfigured;

    /** @param token the configured API_TOKEN, or null/blank for none */
    public ApiAccess(String token, boolean jiraConfigured) {
        this.token = token == null || token.isBlank() ? null : token.strip().getBytes(StandardCharsets.UTF_8);
        this.jiraConfigured = jiraConfigured;
    }

    /** @return null when the caller may go on, else the answer that refuses it */
    public HttpAnswer refusal(String authorization) {
        if (token == null) {
            return jiraConfigured ? HttpAnswer.error(403, "the API is closed: Jira is configured and API_TOKEN is not "
                    + "set; set API_TOKEN and send it as Authorization: Bearer <token>") : null;
        }
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return HttpAnswer.error(401, "send the API token as Authorization: Bearer <token>");
        }
        byte[] given = authorization.substring(BEARER.length()).strip().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(token, given) ? null : HttpAnswer.error(401, "the bearer token is not API_TOKEN");
    }
}
