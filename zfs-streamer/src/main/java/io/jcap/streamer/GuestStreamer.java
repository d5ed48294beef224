package io.jcap.streamer;

import io.jcap.formats.cpio.CpioWriter;
import io.jcap.formats.cpio.StreamStats;
import io.jcap.model.EventSink;
import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Streams an image's files into a builder guest over TCP, netcat style: connect to the port QEMU
 * forwards, send a newc cpio, half-close, and read what the guest answers.
 *
 * <p>QEMU's user network accepts a forwarded connection on the host before anything listens in
 * the guest and then drops it. So the host only trusts a connection once the guest has spoken:
 * jcap's init writes a banner; OSv's cpiod writes nothing, so there a short read that times out
 * (rather than ending) counts as accepted. Either way a dropped connection is retried until the
 * deadline.
 *
 * <pre>{@code
 * GuestStreamer streamer = new GuestStreamer(Protocol.JCAP, Duration.ofSeconds(30), Duration.ofSeconds(120));
 * StreamResult r = streamer.stream(port, tree.entries(), events, vm::isAlive);
 * }</pre>
 */
public final class GuestStreamer {
    /** Which guest is on the other end. */
    public enum Protocol {
        /** jcap's init: banner {@code JCAP1}, then an {@code OK ...} summary after the stream. */
        JCAP,
        /** OSv's cpiod: silent; it closes the connection when it has written everything. */
        OSV
    }

    static final String BANNER = "JCAP1";
    private static final Duration RETRY_PAUSE = Duration.ofMillis(200);
    /**
     * How long OSv's silent cpiod must keep a connection open for it to count as accepted. The host
     * connects only once the console said cpiod listens, so a drop would come from QEMU at once;
     * every wait here is a wait in every ZFS build.
     */
    private static final Duration OSV_SILENCE = Duration.ofMillis(150);

    private final Protocol protocol;
    private final Duration connectTimeout;
    private final Duration replyTimeout;
    private final String host;
    private long fileTime = CpioWriter.defaultMtime();
    private byte[] token = new byte[0];
    private volatile String abortReason;
    private volatile Socket current;

    /**
     * @param connectTimeout how long to keep trying to reach a listening guest
     * @param replyTimeout how long the guest may take, after the stream ends, to answer or close
     */
    public GuestStreamer(Protocol protocol, Duration connectTimeout, Duration replyTimeout) {
        this(protocol, connectTimeout, replyTimeout, "127.0.0.1");
    }

    GuestStreamer(Protocol protocol, Duration connectTimeout, Duration replyTimeout, String host) {
        this.protocol = protocol;
        this.connectTimeout = connectTimeout;
        this.replyTimeout = replyTimeout;
        this.host = host;
    }

    /** Stamps {@code seconds} (since 1970) on every entry instead of {@link CpioWriter#defaultMtime()}. */
    public GuestStreamer withFileTime(long seconds) {
        this.fileTime = seconds;
        return this;
    }

    /**
     * Sends {@code token} on the connection before the stream: jcap's init takes a stream only
     * after the token the host gave it through fw_cfg, so another local user who reaches the
     * forwarded port first cannot write into the image (docs/guest-protocol.md, "The stream's
     * token").
     */
    public GuestStreamer withToken(byte[] token) {
        if (protocol != Protocol.JCAP) {
            throw new IllegalArgumentException("only jcap's init takes a token");
        }
        this.token = token.clone();
        return this;
    }

    /**
     * Ends the stream under way, or the next one, from another thread: the connection is closed and
     * {@link #stream} fails with {@code reason}. For a guest whose console shows it failed while the
     * connection stays open (OSv halts after an abort and never closes it).
     */
    public void abort(String reason) {
        abortReason = reason;
        Socket socket = current;
        if (socket != null) {
            closeQuietly(socket);
        }
    }

    /**
     * jcap's guest closed the connection without its summary line. The guest prints the same
     * summary on its console ({@link GuestMarker.Summary}), where the caller can take it instead.
     */
    public static final class NoSummaryException extends StreamException {
        private final transient StreamStats sent;

        NoSummaryException(StreamStats sent) {
            super("the builder guest closed the connection without a summary");
            this.sent = sent;
        }

        /** What was sent, to check against the summary on the console. */
        public StreamStats sent() {
            return sent;
        }
    }

    /** What was streamed and, for jcap's guest, what it confirmed. */
    public record StreamResult(StreamStats sent, GuestSummary confirmed) {
    }

    /**
     * Connects, streams the entries and waits for the guest's answer.
     *
     * @param guestAlive polled while connecting, so a guest that died ends the wait at once
     */
    public StreamResult stream(int port, List<ImageEntry> entries, EventSink events, BooleanSupplier guestAlive)
            throws StreamException, InterruptedException {
        return stream(port, List.of(), entries, events, guestAlive);
    }

    /**
     * The same for an incremental build: removals of {@code removed} (deepest first) before the
     * entries; only jcap's init in incremental build mode takes them.
     */
    public StreamResult stream(int port, List<GuestPath> removed, List<ImageEntry> entries, EventSink events,
            BooleanSupplier guestAlive) throws StreamException, InterruptedException {
        if (!removed.isEmpty() && protocol != Protocol.JCAP) {
            throw new IllegalArgumentException("only jcap's init takes removals");
        }
        try (Socket socket = connect(port, guestAlive)) {
            current = socket;
            if (abortReason != null) {
                throw new StreamException(abortReason);
            }
            events.info("Connected to the builder guest on 127.0.0.1:" + port);
            StreamStats sent;
            try {
                OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
                out.write(token);
                sent = writer().write(removed, entries, out, events);
                socket.shutdownOutput();
            } catch (CpioWriter.SourceException e) {
                // The host's file, not the connection: the guest only lost its stream.
                throw new StreamException(e.getMessage(), e);
            } catch (IOException e) {
                abortedCheck(e);
                // The guest may have refused an entry and said why before closing.
                String reply = tryReadReply(socket);
                if (reply != null && reply.startsWith("ERR ")) {
                    GuestSummary.parse(reply);
                }
                throw new StreamException("the connection to the builder guest broke while streaming: " + e.getMessage(), e);
            }
            socket.setSoTimeout((int) replyTimeout.toMillis());
            if (protocol == Protocol.OSV) {
                awaitClose(socket);
                if (abortReason != null) {
                    // The connection ended, but only because the stream was aborted.
                    throw new StreamException(abortReason);
                }
                return new StreamResult(sent, null);
            }
            String reply = readLine(socket.getInputStream());
            if (reply == null || reply.isEmpty()) {
                throw new NoSummaryException(sent);
            }
            GuestSummary summary = GuestSummary.parse(reply);
            summary.verify(sent);
            return new StreamResult(sent, summary);
        } catch (SocketTimeoutException e) {
            abortedCheck(e);
            throw new StreamException("the builder guest did not answer within " + replyTimeout.toSeconds()
                    + " s after the stream ended", e);
        } catch (IOException e) {
            abortedCheck(e);
            throw new StreamException("streaming into the builder guest failed: " + e.getMessage(), e);
        } finally {
            current = null;
        }
    }

    /** The entry names each guest takes: OSv's cpiod aborts on an entry for the root folder. */
    /** jcap's init takes files with holes; OSv's cpiod takes every byte. */
    private CpioWriter writer() {
        CpioWriter writer = new CpioWriter(nameStyle(), fileTime).withoutStreamDigest();
        return protocol == Protocol.JCAP ? writer.withHoles() : writer;
    }

    private CpioWriter.NameStyle nameStyle() {
        return protocol == Protocol.OSV ? CpioWriter.NameStyle.ABSOLUTE_WITHOUT_ROOT : CpioWriter.NameStyle.ABSOLUTE;
    }

    private void abortedCheck(IOException e) throws StreamException {
        if (abortReason != null) {
            throw new StreamException(abortReason, e);
        }
    }

    private Socket connect(int port, BooleanSupplier guestAlive) throws StreamException, InterruptedException {
        long deadline = System.nanoTime() + connectTimeout.toNanos();
        String lastProblem = "no attempt made";
        while (true) {
            if (abortReason != null) {
                throw new StreamException(abortReason);
            }
            if (!guestAlive.getAsBoolean()) {
                throw new StreamException("the builder guest stopped before it accepted the stream (" + lastProblem + ")");
            }
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(host, port), 2000);
                if (guestSpoke(socket)) {
                    return socket;
                }
                lastProblem = "connection dropped before the guest answered";
            } catch (IOException e) {
                lastProblem = e.getMessage();
            }
            closeQuietly(socket);
            if (System.nanoTime() > deadline) {
                throw new StreamException("could not reach the builder guest on 127.0.0.1:" + port + " within "
                        + connectTimeout.toSeconds() + " s (" + lastProblem + ")");
            }
            Thread.sleep(RETRY_PAUSE.toMillis());
        }
    }

    private boolean guestSpoke(Socket socket) throws IOException {
        if (protocol == Protocol.OSV) {
            socket.setSoTimeout((int) OSV_SILENCE.toMillis());
            try {
                return socket.getInputStream().read() >= 0;
            } catch (SocketTimeoutException silent) {
                return true;
            }
        }
        socket.setSoTimeout(3000);
        try {
            String banner = readLine(socket.getInputStream());
            if (banner == null) {
                return false;
            }
            if (!banner.equals(BANNER)) {
                throw new IOException("unexpected banner '" + banner + "' (is this a jcap builder guest?)");
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    private static void awaitClose(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        byte[] sink = new byte[512];
        while (in.read(sink) >= 0) {
            // cpiod sends nothing meaningful; wait for its end of stream.
        }
    }

    private static String tryReadReply(Socket socket) {
        try {
            socket.setSoTimeout(2000);
            return readLine(socket.getInputStream());
        } catch (IOException e) {
            return null;
        }
    }

    /** Reads one line (without its newline) byte by byte; null at end of stream before any byte. */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) >= 0; ) {
            if (b == '\n') {
                return line.toString(StandardCharsets.UTF_8);
            }
            if (line.size() > 4096) {
                throw new IOException("the guest's reply line is too long");
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to do: the socket is being abandoned
        }
    }
}
