package io.jcap.builder.push.gce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jcap.builder.push.RetryPolicy;
import io.jcap.builder.push.Secret;
import io.jcap.model.EnvironmentException;
import io.jcap.model.ExitCode;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * Google Cloud JSON API calls with a bearer token, sent with {@code java.net.http}: a connection
 * failure, a 5xx or a 429 is tried again after 0.1, 0.2, 0.4 and 0.8 s, five tries in all
 * ({@link RetryPolicy#STANDARD}). A
 * refusal is exit 1 with Google's {@code error.message}; a service that cannot be reached, or still
 * answers 5xx or 429 after the retries, is 3. The token never appears in a message.
 */
final class GoogleHttp {
    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20))
            .version(HttpClient.Version.HTTP_1_1).build();
    private final Secret token;

    GoogleHttp(Secret token) {
        this.token = token;
    }

    /** An answer: status, headers, body. */
    record Answer(int status, java.net.http.HttpHeaders headers, String body) {
        JsonNode json() throws JcapException {
            try {
                return JSON.readTree(body.isEmpty() ? "{}" : body);
            } catch (IOException e) {
                throw new JcapException("Google answered with no JSON: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Sends a request and returns the answer if its status is one of {@code accepted}.
     *
     * @param what what the call does, for messages ("insert image hello")
     */
    Answer send(String service, String method, URI uri, Map<String, String> headers, byte[] body, String what,
                int... accepted) throws JcapException, InterruptedException {
        return RetryPolicy.STANDARD.run(() -> {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(5))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
                    .header("Authorization", "Bearer " + token.reveal());
            headers.forEach(request::header);
            HttpResponse<String> response;
            try {
                response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                return RetryPolicy.again(RetryPolicy.unreachable(service, uri, e));
            }
            int status = response.statusCode();
            for (int ok : accepted) {
                if (status == ok) {
                    return RetryPolicy.done(new Answer(status, response.headers(), response.body()));
                }
            }
            String reason = reason(response.body());
            String message = service + " at " + uri.getScheme() + "://" + uri.getAuthority() + " refused to " + what
                    + " (HTTP " + status + "): " + (token.isIn(reason) ? reason.replace(token.reveal(), "(secret)") : reason);
            if (RetryPolicy.isTransient(status)) {
                return RetryPolicy.again(new EnvironmentException(message));
            }
            throw new JcapException(message, ExitCode.FAILURE, null);
        });
    }

    private static String reason(String body) {
        try {
            JsonNode error = JSON.readTree(body).path("error");
            if (error.path("message").isTextual()) {
                return error.path("message").asText();
            }
        } catch (IOException e) {
            // not JSON: the text itself, cut short
        }
        String text = body == null ? "" : body.strip();
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }
}
