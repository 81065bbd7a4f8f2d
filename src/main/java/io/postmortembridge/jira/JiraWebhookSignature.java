package io.postmortembridge.jira;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;

import io.postmortembridge.server.HmacSha256;

/**
 * Verifies {@code X-Hub-Signature} on Jira Cloud admin webhooks that have a secret:
 * {@code sha256=<hex HMAC-SHA256 of the raw body>}. Several secrets are accepted at once so a secret
 * can be rotated without dropping deliveries.
 */
public final class JiraWebhookSignature {

    private static final String PREFIX = "sha256=";
    private final List<byte[]> secrets;

    public JiraWebhookSignature(List<String> secrets) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("at least one webhook secret is needed");
        }
        this.secrets = secrets.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
    }

    /** True if the header's signature matches the body under any configured secret. */
    public boolean verify(byte[] body, String header) {
        if (header == null || !header.strip().regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return false;
        }
        byte[] given = header.strip().substring(PREFIX.length()).toLowerCase(Locale.ROOT)
                .getBytes(StandardCharsets.US_ASCII);
        boolean matched = false;
        for (byte[] secret : secrets) {
            // every secret is compared, each in constant time
            matched |= MessageDigest.isEqual(HmacSha256.hex(secret, body), given);
        }
        return matched;
    }
}
