package io.postmortembridge.http;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A request to a vendor API, relative to its base URL.
 *
 * @param query in order; a key may repeat ({@code include[]=a&include[]=b})
 * @param body  JSON, or null
 */
public record VendorCall(String method, String path, List<Map.Entry<String, String>> query, String body) {

    public VendorCall {
        query = List.copyOf(query);
    }

    public static VendorCall get(String path, List<Map.Entry<String, String>> query) {
        return new VendorCall("GET", path, query, null);
    }

    public static VendorCall post(String path, String json) {
        return new VendorCall("POST", path, List.of(), json);
    }

    /** The query string, encoded; empty when there is none. */
    public String encodedQuery() {
        return query.stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    @Override
    public String toString() {
        String q = encodedQuery();
        return method + " " + path + (q.isEmpty() ? "" : "?" + q);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
