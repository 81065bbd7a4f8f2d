package io.postmortembridge.server;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/** The server's own answers, shaped like the routes' errors: {@code {"error":"..."}}. */
final class JsonAnswer {

    private JsonAnswer() {
    }

    static Future<Void> send(HttpServerResponse response, int status, String error) {
        return response.setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("error", error).encode());
    }
}
