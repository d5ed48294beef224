package io.jcap.streamer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.model.EventSink;
import io.jcap.model.FileContent;
import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The host side of jcap's own protocol when the connection loses the guest's summary, a fault of
 * QEMU's user network seen under load that no real guest produces on demand: a stand-in guest
 * sends the banner, reads the stream and closes without a summary.
 */
class GuestStreamerJcapTest {
    private static final List<ImageEntry> ENTRIES = List.of(new ImageEntry.RegularFile(GuestPath.of("/hello"), 0644,
            FileContent.of("hello\n".getBytes(StandardCharsets.UTF_8))));

    @Test
    void stream_connectionClosedWithoutSummary_saysSoWithWhatWasSent() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> {
                try (Socket socket = server.accept()) {
                    socket.getOutputStream().write((GuestStreamer.BANNER + "\n").getBytes(StandardCharsets.US_ASCII));
                    ByteArrayOutputStream all = new ByteArrayOutputStream();
                    socket.getInputStream().transferTo(all);
                    return all.toByteArray();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            GuestStreamer.NoSummaryException e = assertThrows(GuestStreamer.NoSummaryException.class,
                    () -> new GuestStreamer(GuestStreamer.Protocol.JCAP, Duration.ofSeconds(10), Duration.ofSeconds(10))
                            .stream(server.getLocalPort(), ENTRIES, EventSink.NONE, () -> true));
            assertEquals("the builder guest closed the connection without a summary", e.getMessage());
            assertEquals(xxh64(received.get(10, TimeUnit.SECONDS)), e.sent().xxh64());
            assertEquals(1, e.sent().entries());
        }
    }

    @Test
    void stream_hostFileGoneBeforeItsTurn_blamesTheFileNotTheConnection() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("jcap-streamer-test");
        java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("app.txt"), "bytes\n");
        List<ImageEntry> entries = List.of(new ImageEntry.RegularFile(GuestPath.of("/app.txt"), 0644, FileContent.of(file)));
        java.nio.file.Files.delete(file);
        java.nio.file.Files.delete(dir);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture.runAsync(() -> {
                try (Socket socket = server.accept()) {
                    socket.getOutputStream().write((GuestStreamer.BANNER + "\n").getBytes(StandardCharsets.US_ASCII));
                    socket.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            StreamException e = assertThrows(StreamException.class,
                    () -> new GuestStreamer(GuestStreamer.Protocol.JCAP, Duration.ofSeconds(10), Duration.ofSeconds(10))
                            .stream(server.getLocalPort(), entries, EventSink.NONE, () -> true));
            assertEquals("could not read the file for /app.txt (" + file + "): no such file or directory", e.getMessage());
        }
    }

    /** The bytes' XXH64 taken in one piece: the streamer took it piece by piece as it wrote. */
    private static long xxh64(byte[] bytes) {
        io.jcap.formats.cpio.Xxh64 sum = new io.jcap.formats.cpio.Xxh64();
        sum.update(bytes, 0, bytes.length);
        return sum.value();
    }
}
