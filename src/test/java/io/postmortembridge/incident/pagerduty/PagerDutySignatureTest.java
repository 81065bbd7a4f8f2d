package io.postmortembridge.incident.pagerduty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.postmortembridge.testsupport.Refdata;

/**
 * The published go-pagerduty test vector (see refdata/pagerduty/WEBHOOK-SIGNATURE-NOTE.md) and the
 * rules of PagerDuty's "Verifying Signatures" page.
 */
class PagerDutySignatureTest {

    private static final String BODY_FILE = "pagerduty/webhook-v3-signature-testvector.body.json";
    private static final String SECRET = "lDQHScfUeXUKaQRNF+8XIiDKZ7XX3itBAYzwU0TARw8lJqRnkKl2iB1anSb0Z+IK";
    private static final String VALID = "v1=0c0b9495b893a39e70d1fea2fe11fbe0a825f88b9f67846f6cc07dd2bc5476cd";
    private static final String MISMATCHING = "v1=7020c8a7ec668a9b7012bc3dd82e483394b038f4230acc6785efbf2a7d8bcaf5";
    private static final String VALID_HEX = VALID.substring(3);

    private final byte[] body = Refdata.bytes(BODY_FILE);
    private final PagerDutySignature signature = new PagerDutySignature(List.of(SECRET));

    @Test
    void testVectorBodyIsTheOneThatWasPublished() throws Exception {
        assertThat(body).hasSize(1655);
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body)))
                .isEqualTo("6ef42c69dbbc0feaff02e04ca31f497cb2bcbecf1a038a636f114cd7cdd2e23a");
    }

    @Test
    void publishedValidSignatureVerifies() {
        assertThat(signature.verify(body, VALID)).isTrue();
    }

    @Test
    void publishedMismatchingSignatureIsRefused() {
        assertThat(signature.verify(body, MISMATCHING)).isFalse();
    }

    @Test
    void rotatedSecretStillVerifiesWhenOnlyOneOfSeveralEntriesMatches() {
        assertThat(signature.verify(body, MISMATCHING + "," + VALID)).isTrue();
        assertThat(signature.verify(body, VALID + "," + MISMATCHING)).isTrue();
        assertThat(signature.verify(body, MISMATCHING + "," + VALID + ",v1=" + "0".repeat(64))).isTrue();
    }

    @Test
    void entriesSeparatedByCommaAndSpaceAreStillRead() {
        assertThat(signature.verify(body, MISMATCHING + ", " + VALID)).isTrue();
    }

    @Test
    void severalEntriesNoneMatchingIsRefused() {
        assertThat(signature.verify(body, MISMATCHING + ",v1=" + "0".repeat(64) + ",v1=" + sign("other", body)))
                .isFalse();
    }

    @Test
    void eitherOfTwoConfiguredSecretsVerifies() {
        String next = "a-new-secret-during-rotation";
        PagerDutySignature rotating = new PagerDutySignature(List.of(next, SECRET));

        assertThat(rotating.verify(body, VALID)).isTrue();
        assertThat(rotating.verify(body, "v1=" + sign(next, body))).isTrue();
        assertThat(new PagerDutySignature(List.of(SECRET, next)).verify(body, "v1=" + sign(next, body))).isTrue();
    }

    @Test
    void signatureMadeWithAnUnconfiguredSecretIsRefused() {
        PagerDutySignature other = new PagerDutySignature(List.of("not-the-subscription-secret"));

        assertThat(other.verify(body, VALID)).isFalse();
        assertThat(signature.verify(body, "v1=" + sign("not-the-subscription-secret", body))).isFalse();
    }

    @Test
    void secretIsUsedAsItsUtf8BytesNotBase64Decoded() {
        // the test-vector secret looks like base64; decoding it would give another key
        byte[] decoded = java.util.Base64.getDecoder().decode(SECRET);
        assertThat(signature.verify(body, "v1=" + HexFormat.of().formatHex(hmac(decoded, body)))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"v0=", "v2=", "V1=", "sha256=", "", " v1"})
    void entriesOfOtherVersionsAreIgnored(String prefix) {
        assertThat(signature.verify(body, prefix + VALID_HEX)).isFalse();
    }

    @Test
    void otherVersionsNextToAValidV1EntryDoNotStopIt() {
        assertThat(signature.verify(body, "v2=" + VALID_HEX + "," + VALID + ",v0=xyz")).isTrue();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   ", "v1=", ",", "v1=,v1="})
    void missingEmptyOrUselessHeaderIsRefused(String header) {
        assertThat(signature.verify(body, header)).isFalse();
    }

    @Test
    void truncatedOrExtendedSignatureIsRefused() {
        assertThat(signature.verify(body, VALID.substring(0, VALID.length() - 1))).isFalse();
        assertThat(signature.verify(body, VALID + "0")).isFalse();
    }

    @Test
    void emptyBodyWithTheTestVectorSignatureIsRefused() {
        assertThat(signature.verify(new byte[0], VALID)).isFalse();
    }

    @Test
    void prettyPrintedBodyFails() throws Exception {
        ObjectMapper json = new ObjectMapper();
        byte[] pretty = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(json.readTree(body));
        assertThat(pretty).isNotEqualTo(body);

        assertThat(signature.verify(pretty, VALID)).isFalse();
    }

    @Test
    void bodyChangedByOneByteFails() {
        byte[] changed = body.clone();
        int at = new String(body, StandardCharsets.UTF_8).indexOf("\"P1\"") + 2;
        assertThat(changed[at]).isEqualTo((byte) '1');
        changed[at] = '2'; // "P1" -> "P2"

        assertThat(signature.verify(changed, VALID)).isFalse();
    }

    @Test
    void bodyWithATrailingNewlineFails() {
        byte[] withNewline = Arrays.copyOf(body, body.length + 1);
        withNewline[body.length] = '\n';

        assertThat(signature.verify(withNewline, VALID)).isFalse();
    }

    @Test
    void noSecretAtAllIsAConfigurationError() {
        assertThatThrownBy(() -> new PagerDutySignature(List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("secret");
    }

    private static String sign(String secret, byte[] message) {
        return HexFormat.of().formatHex(hmac(secret.getBytes(StandardCharsets.UTF_8), message));
    }

    private static byte[] hmac(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void upperCaseHexIsTheSameSignature() {
        assertThat(signature.verify(body, "v1=" + VALID_HEX.toUpperCase(java.util.Locale.ROOT))).isTrue();
    }
}
