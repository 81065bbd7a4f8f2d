package io.postmortembridge.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;

import io.postmortembridge.failure.TransientFailure;
import io.postmortembridge.http.RetryAfter;
import io.postmortembridge.http.VendorCall;
import io.postmortembridge.http.VendorHttp;
import io.postmortembridge.http.VendorReply;

/**
 * A {@link VendorHttp} over plain {@code java.net.http}: sends each call to a base URL with basic
 * auth, the way the service's Jira route does, so that code on {@link VendorHttp} can be tested
 * over real HTTP against a {@link VendorApi} stand-in.
 */
public final class HttpVendorClient implements VendorHttp {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final String baseUrl;
    private final String authorization;
    private final Clock clock;

    public HttpVendorClient(String baseUrl, String user, String token) {
        this(baseUrl, user, token, Clock.systemUTC());
    }

    public HttpVendorClient(String baseUrl, String user, String token, Clock clock) {
        this.baseUrl = baseUrl;
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + token).getBytes(StandardCharsets.UTF_8));
        this.clock = clock;
    }

    @Override
    public VendorReply send(VendorCall call) {
        String query = call.encodedQuery();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + call.path() + (query.isEmpty() ? "" : "?" + query)))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", authorization);
        if (call.body() != null) {
            request.header("Content-Type", "application/json")
                    .method(call.method(), HttpRequest.BodyPublishers.ofString(call.body(), StandardCharsets.UTF_8));
        } else {
            request.method(call.method(), HttpRequest.BodyPublishers.noBody());
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new VendorReply(response.statusCode(), response.body(), RetryAfter.parse(
                    response.headers().firstValue("Retry-After").orElse(null),
                    response.headers().firstValue("ratelimit-reset").orElse(null), clock.instant()));
        } catch (IOException e) {
            throw new TransientFailure("could not reach " + baseUrl + " (" + call + "): " + e, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted", e));
        }
    }
}
