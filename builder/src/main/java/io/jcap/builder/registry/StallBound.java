package io.jcap.builder.registry;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A response body whose every read is bounded. The JDK's HTTP client bounds the wait for a
 * response's headers (the request's timeout) but not the reads of its body, so a registry that
 * stops sending in the middle of a blob held a pull for ever. A read that gets no byte within the
 * bound is ended by closing the body from another thread (the client's body stream ignores an
 * interrupt; its close wakes the read). Every failed read is a {@link Failed} naming what was
 * being read, so that a broken download is told from a failure to store what came.
 *
 * <pre>{@code
 * InputStream body = new StallBound(response.body(), StallBound.DEFAULT, "layer sha256:... of " + ref);
 * }</pre>
 */
final class StallBound extends FilterInputStream {
    /** How long a blob's read may wait for its next byte. */
    static final Duration DEFAULT = Duration.ofSeconds(60);
    private static final ScheduledExecutorService ALARMS = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "jcap-registry-stall-alarm");
        t.setDaemon(true);
        return t;
    });

    /** A read that failed: nothing came within the bound, or the connection broke. */
    static final class Failed extends IOException {
        Failed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Duration bound;
    private final String what;

    StallBound(InputStream in, Duration bound, String what) {
        super(in);
        this.bound = bound;
        this.what = what;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        return bounded(bound, this::closeQuietly, () -> in.read(b, off, len), what + ": the registry sent nothing for "
                + bound.toSeconds() + " s, so the download was given up", what + ": the connection to the registry broke"
                + " during the download: ");
    }

    private void closeQuietly() {
        try {
            in.close();
        } catch (IOException | RuntimeException e) {
            // The read it was meant to end reports the stall.
        }
    }

    /** One read or write of a body. */
    @FunctionalInterface
    private interface Step<T> {
        T run() throws IOException;
    }

    /**
     * Runs {@code step}, and {@code abort} (which must end it) once it has run for {@code bound}: a
     * step that was aborted fails with {@code stalled}, whatever it returned; one that failed by
     * itself with {@code broken} and its reason.
     */
    private static <T> T bounded(Duration bound, Runnable abort, Step<T> step, String stalled, String broken)
            throws Failed {
        AtomicBoolean armed = new AtomicBoolean(true);
        ScheduledFuture<?> alarm = ALARMS.schedule(() -> {
            if (armed.compareAndSet(true, false)) {
                abort.run();
            }
        }, bound.toMillis(), TimeUnit.MILLISECONDS);
        T result;
        try {
            result = step.run();
        } catch (IOException e) {
            throw armed.compareAndSet(true, false) ? new Failed(broken + io.jcap.model.FailureReason.of(e), e)
                    : new Failed(stalled, e);
        } finally {
            alarm.cancel(false);
        }
        if (!armed.compareAndSet(true, false)) {
            // Aborted: what the step returned (an end, most likely) is not the body's.
            throw new Failed(stalled, null);
        }
        return result;
    }

    /**
     * An upload's body whose every write is bounded the same way: a registry that stops reading
     * fills the connection's buffers, and a write then blocks for ever. {@code abort} (closing the
     * connection) ends a write that did not finish within the bound.
     */
    static final class Output extends java.io.FilterOutputStream {
        private final Duration bound;
        private final String what;
        private final Runnable abort;

        Output(java.io.OutputStream out, Duration bound, String what, Runnable abort) {
            super(out);
            this.bound = bound;
            this.what = what;
            this.abort = abort;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            bounded(bound, abort, () -> {
                out.write(b, off, len);
                return null;
            }, what + ": the registry took nothing for " + bound.toSeconds() + " s, so the upload was given up",
                    what + ": the connection to the registry broke during the upload: ");
        }
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] skipped = new byte[(int) Math.min(n, 1 << 16)];
        int r = read(skipped, 0, skipped.length);
        return Math.max(r, 0);
    }
}
