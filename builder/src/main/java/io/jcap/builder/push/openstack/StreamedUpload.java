package io.jcap.builder.push.openstack;

import io.jcap.hypervisor.Durations;
import io.jcap.model.EnvironmentException;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The upload of an image file to Glance ({@code PUT /v2/images/ID/file}): streamed from disk in
 * 1 MiB writes with a fixed {@code Content-Length} (never whole in memory), counting the bytes for
 * progress. The file's digests come from {@link io.jcap.builder.push.FileSums}, beside it.
 *
 * <p>It uses {@code HttpURLConnection}, not {@code java.net.http}: measured on a 13 MB image to the
 * local Glance, the blocking stream took half the time of {@code java.net.http}'s 16 KiB-buffer
 * publisher in a fresh JVM (bench/push.sh; docs/push.md).
 *
 * <p>A write has no timeout of its own: a Glance that stops reading (overloaded, paused, its
 * disk stuck) held the push for ever once the socket's buffers were full. A watch ends the
 * connection when no MiB has gone for {@link #stallBound} (60 s) while bytes remain to be sent,
 * and the push fails as one that lost Glance (exit 3), deleting the image.
 */
final class StreamedUpload {
    private static final int CHUNK = 1 << 20;
    private static final int READ_TIMEOUT_MILLIS = 10 * 60 * 1000;
    /** How long the upload may go without sending a byte. */
    static final Duration STALL_BOUND = Duration.ofSeconds(60);
    /** Overrides {@link #STALL_BOUND}, in seconds: meant for tests. */
    static final String STALL_VARIABLE = "JCAP_UPLOAD_STALL_SECONDS";

    private StreamedUpload() {
    }

    /**
     * Sends {@code file} as the data of the image at {@code imageUrl}.
     *
     * @throws JcapException 3 when Glance cannot be reached or drops the connection, 1 when it refuses the data
     */
    static long put(OpenStackHttp http, URI imageUrl, String token, Path file, EventSink events, String task)
            throws JcapException, InterruptedException, IOException {
        long size = Files.size(file);
        long sent = 0;
        Duration bound = stallBound();
        AtomicLong lastWrite = new AtomicLong(System.nanoTime());
        AtomicBoolean stalled = new AtomicBoolean();
        ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "glance-upload-stall-watch");
            t.setDaemon(true);
            return t;
        });
        try (InputStream in = Files.newInputStream(file)) {
            HttpURLConnection connection = http.open(imageUrl.resolve(imageUrl.getPath() + "/file"));
            long every = Math.max(100, bound.toMillis() / 10);
            watch.scheduleAtFixedRate(() -> {
                if (System.nanoTime() - lastWrite.get() > bound.toNanos() && stalled.compareAndSet(false, true)) {
                    connection.disconnect(); // closes the socket: the blocked write fails
                }
            }, every, every, TimeUnit.MILLISECONDS);
            connection.setRequestMethod("PUT");
            connection.setDoOutput(true);
            connection.setFixedLengthStreamingMode(size);
            connection.setReadTimeout(READ_TIMEOUT_MILLIS);
            connection.setRequestProperty("X-Auth-Token", token);
            connection.setRequestProperty("Content-Type", "application/octet-stream");
            try {
                try (OutputStream out = connection.getOutputStream()) {
                    byte[] buffer = new byte[CHUNK];
                    for (int n; sent < size && (n = in.read(buffer, 0, (int) Math.min(CHUNK, size - sent))) > 0; ) {
                        out.write(buffer, 0, n);
                        lastWrite.set(System.nanoTime());
                        sent += n;
                        events.progress(task, sent, size);
                    }
                }
                // Every byte is sent: the answer's wait has its own bound (the read timeout).
                watch.shutdownNow();
                int status = connection.getResponseCode();
                if (status != 204 && status != 200) {
                    InputStream error = connection.getErrorStream();
                    String body = error == null ? "" : new String(error.readAllBytes(), StandardCharsets.UTF_8);
                    throw http.refused("Glance at " + imageUrl.getScheme() + "://" + imageUrl.getAuthority(),
                            "the data of image " + imageUrl.getPath().replaceAll(".*/", ""), status, body);
                }
            } catch (IOException e) {
                if (stalled.get()) {
                    throw new EnvironmentException("Glance at " + imageUrl.getScheme() + "://" + imageUrl.getAuthority()
                            + " took no data for " + Durations.human(bound) + " (" + sent + " of " + size
                            + " bytes sent): the upload was stopped; is Glance overloaded or its store stuck?", e);
                }
                throw http.unreachable("Glance", imageUrl, e);
            } finally {
                connection.disconnect();
            }
        } finally {
            watch.shutdownNow();
        }
        if (sent != size) {
            throw new JcapException(file + " shrank while it was sent: " + sent + " of " + size + " bytes");
        }
        return sent;
    }

    /** {@link #STALL_BOUND}, or {@value #STALL_VARIABLE} seconds when set to a whole number above 0. */
    static Duration stallBound() {
        String value = System.getenv(STALL_VARIABLE);
        if (value != null && value.matches("[1-9][0-9]{0,5}")) {
            return Duration.ofSeconds(Long.parseLong(value));
        }
        return STALL_BOUND;
    }
}
