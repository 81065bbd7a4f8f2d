package io.postmortembridge.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.postmortembridge.server.HttpAnswer;

class ApiAccessTest {

    @Test
    void withATokenOnlyItsBearerGetsIn() {
        ApiAccess access = new ApiAccess("s3cret-token", true);

        assertThat(access.refusal("Bearer s3cret-token")).isNull();
        assertThat(access.refusal("bearer s3cret-token")).as("the scheme is case-insensitive").isNull();
        assertThat(access.refusal("Bearer s3cret-toke")).extracting(HttpAnswer::status).isEqualTo(401);
        assertThat(access.refusal("Basic czNjcmV0LXRva2Vu")).extracting(HttpAnswer::status).isEqualTo(401);
        assertThat(access.refusal(null)).extracting(HttpAnswer::status).isEqualTo(401);
    }

    @Test
    void withJiraConfiguredAndNoTokenTheApiIsClosedAndSaysWhy() {
        HttpAnswer refused = new ApiAccess("", true).refusal("Bearer anything");

        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json()).contains("API_TOKEN");
    }

    @Test
    void inDryRunWithoutATokenTheApiIsOpen() {
        assertThat(new ApiAccess(null, false).refusal(null)).isNull();
    }

    @Test
    void refusalsNeverEchoTheTokenSent() {
        HttpAnswer refused = new ApiAccess("right-token", true).refusal("Bearer wrong-token-value");

        assertThat(refused.json()).doesNotContain("wrong-token-value").doesNotContain("right-token");
    }
}
