package io.jcap.builder.push;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** The answers of the push tests' stand-in services: a status and a JSON body (none when empty). */
public final class JsonReplies {
    private JsonReplies() {
    }

    /** Answers {@code x} with {@code status} and {@code body} as JSON; an empty body is sent as no body. */
    public static void send(HttpExchange x, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "application/json; charset=UTF-8");
        x.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            x.getResponseBody().write(bytes);
        }
    }
}
