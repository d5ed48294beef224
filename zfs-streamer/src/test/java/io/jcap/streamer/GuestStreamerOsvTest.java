package io.jcap.streamer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.model.EventSink;
import io.jcap.model.FileContent;
import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The host side of OSv's cpiod protocol against local stand-ins for the guest: a silent receiver
 * that closes once it has everything, one that never closes, and QEMU's habit of accepting a
 * forwarded connection before the guest listens and dropping it at once.
 */
class GuestStreamerOsvTest {
    private static final List<ImageEntry> ENTRIES = List.of(
            new ImageEntry.Directory(GuestPath.ROOT, 0755),
            new ImageEntry.RegularFile(GuestPath.of("/hello"), 0755,
                    FileContent.of("hello from a file\n".getBytes(StandardCharsets.UTF_8))));

    private ServerSocket server;
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void listen() throws IOException {
        server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void close() throws IOException {
        release.countDown();
        server.close();
    }

    private GuestStreamer streamer(Duration close) {
        return new GuestStreamer(GuestStreamer.Protocol.OSV, Duration.ofSeconds(10), close);
    }

    /** Accepts {@code dropFirst} connections and closes them unread, then reads one stream to its end. */
    private CompletableFuture<byte[]> receiver(int dropFirst, boolean closeAtEnd) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                for (int i = 0; i < dropFirst; i++) {
                    server.accept().close();
                }
                Socket socket = server.accept();
                InputStream in = socket.getInputStream();
                ByteArrayOutputStream received = new ByteArrayOutputStream();
                in.transferTo(received);
                if (closeAtEnd) {
                    socket.close();
                } else {
                    release.await(30, TimeUnit.SECONDS);
                    socket.close();
                }
                return received.toByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void stream_silentGuestThatClosesAtTheEnd_receivesTheWholeArchive() throws Exception {
        CompletableFuture<byte[]> received = receiver(0, true);
        GuestStreamer.StreamResult result = streamer(Duration.ofSeconds(10))
                .stream(server.getLocalPort(), ENTRIES, EventSink.NONE, () -> true);
        byte[] bytes = received.get(10, TimeUnit.SECONDS);
        assertEquals(result.sent().bytes(), bytes.length);
        assertEquals(xxh64(bytes), result.sent().xxh64());
        assertEquals(1, result.sent().entries(), "the root folder is not sent");
        assertNull(result.confirmed());
        String text = new String(bytes, StandardCharsets.US_ASCII);
        assertEquals(0, text.indexOf("070701"));
        assertTrue(text.contains("TRAILER!!!"));
    }

    @Test
    void stream_connectionDroppedBeforeTheGuestListens_isRetried() throws Exception {
        CompletableFuture<byte[]> received = receiver(2, true);
        GuestStreamer.StreamResult result = streamer(Duration.ofSeconds(10))
                .stream(server.getLocalPort(), ENTRIES, EventSink.NONE, () -> true);
        assertEquals(xxh64(received.get(10, TimeUnit.SECONDS)), result.sent().xxh64());
    }

    @Test
    void stream_guestThatNeverCloses_failsWithinTheBound() {
        receiver(0, false);
        StreamException e = assertThrows(StreamException.class, () -> streamer(Duration.ofSeconds(1))
                .stream(server.getLocalPort(), ENTRIES, EventSink.NONE, () -> true));
        assertEquals("the builder guest did not answer within 1 s after the stream ended", e.getMessage());
    }

    @Test
    void stream_sendsNoRootEntry_namesAsOsvsUploadScriptDoes() throws Exception {
        CompletableFuture<byte[]> received = receiver(0, true);
        streamer(Duration.ofSeconds(10)).stream(server.getLocalPort(), ENTRIES, EventSink.NONE, () -> true);
        List<String> names = new ArrayList<>();
        try (CpioArchiveInputStream in =
                     new CpioArchiveInputStream(
                             new ByteArrayInputStream(received.get(10, TimeUnit.SECONDS)))) {
            for (CpioArchiveEntry e; (e = in.getNextCPIOEntry()) != null; ) {
                names.add(e.getName() + " " + Long.toOctalString(e.getMode()));
            }
        }
        assertEquals(List.of("/hello 100755"), names);
    }

    @Test
    void abort_whileTheGuestHoldsTheConnectionOpen_failsPromptlyWithTheReason() throws Exception {
        receiver(0, false);
        GuestStreamer streamer = streamer(Duration.ofSeconds(60));
        CompletableFuture.runAsync(() -> {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            streamer.abort("the builder guest failed: Aborted");
        });
        long started = System.nanoTime();
        StreamException e = assertThrows(StreamException.class,
                () -> streamer.stream(server.getLocalPort(), ENTRIES, EventSink.NONE, () -> true));
        assertEquals("the builder guest failed: Aborted", e.getMessage());
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(30).toNanos(), "the abort ended the wait");
    }

    @Test
    void abort_beforeTheGuestListens_endsTheConnectRetries() {
        int port;
        try (ServerSocket unused = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = unused.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        GuestStreamer streamer = streamer(Duration.ofSeconds(60));
        streamer.abort("the builder guest failed: Failed to load object: /tools/cpiod.so");
        StreamException e = assertThrows(StreamException.class,
                () -> streamer.stream(port, ENTRIES, EventSink.NONE, () -> true));
        assertEquals("the builder guest failed: Failed to load object: /tools/cpiod.so", e.getMessage());
    }

    @Test
    void stream_guestThatIsGone_failsAtOnce() throws IOException {
        int port = server.getLocalPort();
        server.close();
        StreamException e = assertThrows(StreamException.class, () -> streamer(Duration.ofSeconds(1))
                .stream(port, ENTRIES, EventSink.NONE, () -> false));
        assertEquals("the builder guest stopped before it accepted the stream (no attempt made)", e.getMessage());
    }

    /** The bytes' XXH64 taken in one piece: the streamer took it piece by piece as it wrote. */
    private static long xxh64(byte[] bytes) {
        io.jcap.formats.cpio.Xxh64 sum = new io.jcap.formats.cpio.Xxh64();
        sum.update(bytes, 0, bytes.length);
        return sum.value();
    }
}
