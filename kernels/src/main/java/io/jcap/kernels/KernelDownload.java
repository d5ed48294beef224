package io.jcap.kernels;

import io.jcap.model.EnvironmentException;
import io.jcap.model.EventSink;
import io.jcap.model.FailureReason;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Downloads a kernel file over HTTP(S) and checks it against the SHA-256 the user expects before
 * anyone may use it. Progress is reported as events; a download that stalls (no byte for
 * {@link #STALL_TIMEOUT}) is abandoned; a failed or mismatching download leaves no file behind.
 *
 * <pre>{@code
 * new KernelDownload().fetch(URI.create("https://example.org/osv-loader.qemu"), expected, target, events);
 * }</pre>
 */
public final class KernelDownload {
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    /** No byte (nor the response headers) for this long ends the download. */
    public static final Duration STALL_TIMEOUT = Duration.ofSeconds(60);
    private static final long POLL_MILLIS = 200;

    private final HttpClient client;
    private final Duration stallTimeout;

    public KernelDownload() {
        this(HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(CONNECT_TIMEOUT).build(),
                STALL_TIMEOUT);
    }

    KernelDownload(HttpClient client, Duration stallTimeout) {
        this.client = client;
        this.stallTimeout = stallTimeout;
    }

    /**
     * Downloads {@code url} into {@code target} (which must not exist yet) and checks its SHA-256.
     *
     * @throws JcapException when the download fails, stalls, or its SHA-256 is not {@code expected};
     *     {@code target} is then deleted
     */
    public void fetch(URI url, Sha256 expected, Path target, EventSink events) throws JcapException, InterruptedException {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new JcapException("cannot download " + url + ": only http and https URLs are supported");
        }
        boolean done = false;
        try (FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            Sha256 actual = download(url, out, events);
            if (!actual.equals(expected)) {
                throw new JcapException("the download from " + url + " has SHA-256 " + actual + ", not the expected "
                        + expected + ": the file changed or was tampered with, so nothing was stored; check the URL"
                        + " and the digest");
            }
            done = true;
        } catch (IOException e) {
            throw new JcapException("cannot write the download of " + url + " to " + target + ": " + e.getMessage(), e);
        } finally {
            if (!done) {
                try {
                    Files.deleteIfExists(target);
                } catch (IOException ignored) {
                    // the error being reported matters more than a stray partial file in a temporary folder
                }
            }
        }
    }

    private Sha256 download(URI url, FileChannel out, EventSink events) throws JcapException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(stallTimeout).GET().build();
        String task = "Downloading " + fileName(url);
        FileWriter writer = new FileWriter(out, task, events);
        CompletableFuture<HttpResponse<Void>> future = client.sendAsync(request, info -> {
            if (info.statusCode() != 200) {
                return HttpResponse.BodySubscribers.replacing(null);
            }
            writer.total = info.headers().firstValueAsLong("content-length").orElse(-1);
            return HttpResponse.BodySubscribers.fromSubscriber(writer, w -> null);
        });
        HttpResponse<Void> response;
        try {
            response = await(future, writer, url);
        } catch (InterruptedException e) {
            writer.cancel();
            future.cancel(true);
            throw e;
        }
        if (writer.failure != null) {
            throw new JcapException("cannot download " + url + ": " + writer.failure.getMessage(), writer.failure);
        }
        if (response.statusCode() != 200) {
            // A server failing is the environment's (exit 3), as for an unreachable one; a 404 is the URL's.
            String message = "cannot download " + url + ": the server answered HTTP " + response.statusCode();
            throw response.statusCode() >= 500 ? new EnvironmentException(message) : new JcapException(message);
        }
        if (writer.total != writer.done) {
            events.progress(task, writer.done, writer.done); // ends a task whose size was not announced
        }
        return Sha256.of(writer.digest);
    }

    /** The response, or null when writing the body failed (the writer holds why). */
    private HttpResponse<Void> await(CompletableFuture<HttpResponse<Void>> future, FileWriter writer, URI url)
            throws JcapException, InterruptedException {
        while (true) {
            try {
                return future.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (writer.failure != null) {
                    future.cancel(true);
                    return null;
                }
                if (System.nanoTime() - writer.lastActivity > stallTimeout.toNanos()) {
                    writer.cancel();
                    future.cancel(true);
                    throw new EnvironmentException("cannot download " + url + ": nothing arrived for "
                            + stallTimeout.toSeconds() + " s (after " + writer.done + " bytes); try again later");
                }
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                // Refused, reset, unresolvable: the server or the network, not the command (exit 3).
                String message = "cannot download " + url + ": " + FailureReason.of(cause);
                throw cause instanceof IOException ? new EnvironmentException(message, cause)
                        : new JcapException(message, cause);
            }
        }
    }

    private static String fileName(URI url) {
        String path = url.getPath() == null ? "" : url.getPath();
        String name = path.substring(path.lastIndexOf('/') + 1);
        return name.isEmpty() ? url.getHost() : name;
    }

    /** Writes the body to the file as it arrives, hashing it and reporting progress. */
    private static final class FileWriter implements Flow.Subscriber<List<ByteBuffer>> {
        private final FileChannel out;
        private final String task;
        private final EventSink events;
        private final MessageDigest digest = Sha256.newDigest();
        private volatile Flow.Subscription subscription;
        private volatile long total = -1;
        private volatile long done;
        private volatile long lastActivity = System.nanoTime();
        private volatile IOException failure;

        FileWriter(FileChannel out, String task, EventSink events) {
            this.out = out;
            this.task = task;
            this.events = events;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            lastActivity = System.nanoTime();
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            try {
                for (ByteBuffer b : buffers) {
                    digest.update(b.duplicate());
                    done += b.remaining();
                    while (b.hasRemaining()) {
                        out.write(b);
                    }
                }
            } catch (IOException e) {
                failure = e;
                subscription.cancel();
                return;
            }
            lastActivity = System.nanoTime();
            events.progress(task, done, total);
            subscription.request(1);
        }

        @Override
        public void onError(Throwable t) {
            // The response future fails with the same error; await reports it.
        }

        @Override
        public void onComplete() {
            // The response future completes; await returns it.
        }

        void cancel() {
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
        }
    }
}
