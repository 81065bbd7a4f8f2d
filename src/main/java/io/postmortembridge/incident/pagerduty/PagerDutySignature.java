package io.postmortembridge.incident.pagerduty;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;

import io.postmortembridge.server.HmacSha256;

/**
 * Verifies {@code X-PagerDuty-Signature} on V3 webhooks: HMAC-SHA256 of the raw body, hex encoded,
 * one {@code v1=} entry per signing secret. Several secrets are accepted at once so a secret can
 * be rotated without dropping deliveries.
 */
public final class PagerDutySignature {

    private static final String VERSION_PREFIX = "v1=";
    private final List<byte[]> secrets;

    /** @param secrets the subscription secrets, used as their UTF-8 bytes (PagerDuty does not base64 them) */
    public PagerDutySignature(List<String> secrets) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("at least one webhook secret is needed");
        }
        this.secrets = secrets.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
    }

    /** True if any v1 signature in the header matches the body under any configured secret. */
    public boolean verify(byte[] body, String header) {
        if (header == null || header.isBlank()) {
            return false;
        }
        boolean matched = false;
        for (byte[] secret : secrets) {
            byte[] expected = HmacSha256.hex(secret, body);
            for (String entry : header.split(",")) {
                String candidate = entry.trim();
                if (candidate.startsWith(VERSION_PREFIX)) {
                    // hex is hex whatever its case, as PagerDuty's reference implementation decodes it
                    byte[] given = candidate.substring(VERSION_PREFIX.length()).toLowerCase(Locale.ROOT)
                            .getBytes(StandardCharsets.US_ASCII);
                    // no early exit: every entry is compared, each in constant time
                    matched |= MessageDigest.isEqual(expected, given);
                }
            }
        }
        return matched;
    }
}
