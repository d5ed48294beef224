package io.jcap.examples;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** A real HTTP client for the guests' servers, and bounded polling. */
final class Http {
    /** A guest boots in seconds under TCG; a busy machine makes that several times longer. */
    static final Duration BOOT = Duration.ofSeconds(120);
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private Http() {
    }

    record Answer(int status, String body) {
    }

    static Answer get(String host, int port, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path))
                .timeout(Duration.ofSeconds(5)).GET().build();
        HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body());
    }

    /**
     * Polls 127.0.0.1:port until the server answers {@code path}. QEMU accepts connections to a
     * forwarded port before the guest listens, and drops them: those count as no answer yet.
     */
    static Answer awaitAnswer(int port, String path) throws InterruptedException {
        Instant deadline = Instant.now().plus(BOOT);
        IOException last = null;
        while (Instant.now().isBefore(deadline)) {
            try {
                return get("127.0.0.1", port, path);
            } catch (IOException e) {
                last = e;
            }
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
        }
        fail("no HTTP answer on 127.0.0.1:" + port + path + " within " + BOOT + ": " + last);
        return null;
    }

    /** Polls {@code condition} until it holds; false when {@code bound} runs out first. */
    static boolean within(Duration bound, BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(bound);
        while (Instant.now().isBefore(deadline)) {
            if (condition.getAsBoolean()) {
                return true;
            }
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
        return condition.getAsBoolean();
    }
}
