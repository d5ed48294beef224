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

    /** The bytes' XXH64 taken in one piece: the streamer took it piece by piece as it wrote. */
    private static long xxh64(byte[] bytes) {
        io.jcap.formats.cpio.Xxh64 sum = new io.jcap.formats.cpio.Xxh64();
        sum.update(bytes, 0, bytes.length);
        return sum.value();
    }
}
