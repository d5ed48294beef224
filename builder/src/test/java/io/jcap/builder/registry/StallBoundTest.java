package io.jcap.builder.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * The JDK's HTTP client reading a body from a server that sends half of it and then nothing, a
 * registry frozen mid-blob (a fault no running registry produces on demand without stopping it
 * for every other test): the read ends after the bound instead of never.
 */
class StallBoundTest {
    @Test
    void read_serverStopsSendingMidBody_failsAfterTheBound_andReadsBeforeItWork() throws Exception {
        byte[] half = "x".repeat(1000).getBytes(StandardCharsets.US_ASCII);
        CountDownLatch done = new CountDownLatch(1);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread stalling = new Thread(() -> {
                try (Socket s = server.accept()) {
                    OutputStream out = s.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\nContent-Length: 2000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(half);
                    out.flush();
                    done.await();
                } catch (Exception e) {
                    // The test's end closes the connection.
                }
            });
            stalling.start();
            HttpResponse<InputStream> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.getLocalPort() + "/v2/x/blobs/sha256:ab")).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = new StallBound(response.body(), Duration.ofMillis(700), "layer sha256:ab of x")) {
                assertArrayEquals(half, body.readNBytes(half.length));

                long start = System.nanoTime();
                StallBound.Failed e = assertThrows(StallBound.Failed.class, () -> body.read(new byte[10]));

                assertEquals("layer sha256:ab of x: the registry sent nothing for 0 s, so the download was given up",
                        e.getMessage());
                assertFalse(Thread.currentThread().isInterrupted(), "the bound's interrupt was left set");
                assertFalse(System.nanoTime() - start > Duration.ofSeconds(30).toNanos(), "the read was not bounded");
            } finally {
                done.countDown();
            }
        }
    }

    @Test
    void write_serverThatStopsReading_failsAfterTheBound() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread deaf = new Thread(() -> {
                try (Socket s = server.accept()) {
                    done.await();
                } catch (Exception e) {
                    // The test's end closes the connection.
                }
            });
            deaf.start();
            java.net.HttpURLConnection c = (java.net.HttpURLConnection) URI.create("http://127.0.0.1:" + server.getLocalPort()
                    + "/v2/x/blobs/uploads/1").toURL().openConnection();
            c.setRequestMethod("PUT");
            c.setDoOutput(true);
            long size = 256L << 20;
            c.setFixedLengthStreamingMode(size);
            byte[] chunk = new byte[1 << 16];
            OutputStream out = new StallBound.Output(c.getOutputStream(), Duration.ofMillis(700), "blob sha256:ab",
                    c::disconnect);
            try {
                StallBound.Failed e = assertThrows(StallBound.Failed.class, () -> {
                    for (long sent = 0; sent < size; sent += chunk.length) {
                        out.write(chunk);
                    }
                });

                assertEquals("blob sha256:ab: the registry took nothing for 0 s, so the upload was given up", e.getMessage());
            } finally {
                done.countDown();
            }
        }
    }
}
