package io.postmortembridge.server;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** What an inbound endpoint answers: a status and a small JSON body the sender can act on. */
public record HttpAnswer(int status, String json) {

    public static HttpAnswer of(int status, String field, String value, String... more) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put(field, value);
        for (int i = 0; i + 1 < more.length; i += 2) {
            body.put(more[i], more[i + 1]);
        }
        return new HttpAnswer(status, body.toString());
    }

    public static HttpAnswer error(int status, String message) {
        return of(status, "error", message);
    }
}
