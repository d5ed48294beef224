package io.jcap.hypervisor.qemu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.hypervisor.GuestEndWatch;
import io.jcap.hypervisor.VmException;
import java.io.ByteArrayOutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleLogKeeperTest {
    @TempDir
    Path dir;

    private static byte[] numberedLines(int count) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            all.writeBytes(String.format("line %05d%n", i).getBytes(StandardCharsets.US_ASCII));
        }
        return all.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    @Test
    void keep_belowTheLimit_writesOneFile() throws Exception {
        Path log = dir.resolve("console.log");
        byte[] bytes = numberedLines(10);

        new ConsoleLogKeeper(log, 1000).keep(Channels.newChannel(new java.io.ByteArrayInputStream(bytes)));

        assertArrayEquals(bytes, Files.readAllBytes(log));
        assertFalse(Files.exists(dir.resolve("console.log.1")));
    }

    @Test
    void keep_pastTheLimit_rotatesAtTheEndOfTheLine_keepingTheLastWholeLines() throws Exception {
        Path log = dir.resolve("console.log");
        byte[] bytes = numberedLines(1000); // 11 000 bytes, lines of 11

        new ConsoleLogKeeper(log, 4096).keep(Channels.newChannel(new java.io.ByteArrayInputStream(bytes)));

        // The first file ends with the line that crossed 4096 (373 lines: 4103 bytes), so does the
        // second (8206); the log holds the rest.
        byte[] previous = Files.readAllBytes(dir.resolve("console.log.1"));
        byte[] current = Files.readAllBytes(log);
        assertEquals(4103, previous.length);
        assertEquals(11_000 - 8206, current.length);
        assertArrayEquals(Arrays.copyOfRange(bytes, 4103, bytes.length), concat(previous, current));
        assertTrue(new String(previous, StandardCharsets.US_ASCII).startsWith("line 00373\n"));
    }

    @Test
    void watchEnd_firesOnce_atTheFirstWholeEndLine_whereverTheBuffersSplitIt() throws Exception {
        Path log = dir.resolve("console.log");
        ConsoleLogKeeper keeper = new ConsoleLogKeeper(log, 1 << 20);
        java.util.concurrent.atomic.AtomicInteger ends = new java.util.concurrent.atomic.AtomicInteger();
        keeper.watchEnd(new GuestEndWatch(java.util.regex.Pattern.compile("(.*)JCAP-EXIT (\\d{1,3})$"),
                Duration.ofSeconds(30)), ends::incrementAndGet);

        for (String part : List.of("boot\r\nJCAP-EXIT 3 and more\r\n", "app said JCAP-EX", "IT 7", "\r", "\n",
                "JCAP-EXIT 0\r\n")) {
            int before = ends.get();
            keeper.write(ByteBuffer.wrap(part.getBytes(StandardCharsets.US_ASCII)));
            if (part.equals("\n")) {
                assertEquals(before + 1, ends.get(), "the line ended here");
            }
            if (!part.equals("\n")) {
                assertEquals(before, ends.get(), "no end line completed by " + part);
            }
        }
        assertEquals(1, ends.get());
        assertEquals("boot\r\nJCAP-EXIT 3 and more\r\napp said JCAP-EXIT 7\r\nJCAP-EXIT 0\r\n", Files.readString(log));
    }

    @Test
    void write_atTheLimit_finishesTheLineThenRotates() throws Exception {
        Path log = dir.resolve("console.log");
        ConsoleLogKeeper keeper = new ConsoleLogKeeper(log, 10);

        keeper.write(ByteBuffer.wrap("0123456789".getBytes(StandardCharsets.US_ASCII)));
        keeper.write(ByteBuffer.wrap("ab\ncd".getBytes(StandardCharsets.US_ASCII)));

        assertEquals("0123456789ab\n", Files.readString(dir.resolve("console.log.1")));
        assertEquals("cd", Files.readString(log));
    }

    @Test
    void write_aLineWithoutEnd_rotatesMaxLineBytesPastTheLimit() throws Exception {
        Path log = dir.resolve("console.log");
        ConsoleLogKeeper keeper = new ConsoleLogKeeper(log, 100);

        keeper.write(ByteBuffer.wrap(new byte[100 + ConsoleLogKeeper.MAX_LINE + 5]));

        assertEquals(100 + ConsoleLogKeeper.MAX_LINE, Files.size(dir.resolve("console.log.1")));
        assertEquals(5, Files.size(log));
    }

    @Test
    void process_listensWritesRotatesAndEndsWithItsPeer() throws Exception {
        DetachedQemu.GuestFiles files = DetachedQemu.GuestFiles.in(dir);
        Process keeper = ConsoleKeeperProcess.start(files, 4096, java.util.Optional.empty(), Duration.ofSeconds(30));
        byte[] bytes = numberedLines(1000);

        try (SocketChannel qemu = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            qemu.connect(UnixDomainSocketAddress.of(files.consoleSocket()));
            qemu.write(ByteBuffer.wrap(bytes));
        }

        assertTrue(keeper.waitFor(30, TimeUnit.SECONDS), "the keeper ends when QEMU closes the console");
        assertEquals(0, keeper.exitValue());
        assertFalse(Files.exists(files.consoleSocket()));
        assertArrayEquals(Arrays.copyOfRange(bytes, 4103, bytes.length),
                concat(Files.readAllBytes(dir.resolve("console.log.1")), Files.readAllBytes(files.consoleLog())));
    }

    @Test
    void process_socketAndLogAreOwnerOnly() throws Exception {
        DetachedQemu.GuestFiles files = DetachedQemu.GuestFiles.in(dir);
        Process keeper = ConsoleKeeperProcess.start(files, 4096, java.util.Optional.empty(), Duration.ofSeconds(30));

        // The keeper said it listens: the socket is there, and only its owner may connect.
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(files.consoleSocket(),
                LinkOption.NOFOLLOW_LINKS)));
        try (SocketChannel qemu = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            qemu.connect(UnixDomainSocketAddress.of(files.consoleSocket()));
            qemu.write(ByteBuffer.wrap("hello\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        }

        assertTrue(keeper.waitFor(30, TimeUnit.SECONDS));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(files.consoleLog())));
    }

    @Test
    void process_aLinkInTheSocketsPlace_isRefusedAndItsTargetUntouched() throws Exception {
        DetachedQemu.GuestFiles files = DetachedQemu.GuestFiles.in(dir);
        Path target = Files.writeString(dir.resolve("precious"), "keep me\n");
        Files.createSymbolicLink(files.consoleSocket(), target);

        assertThrows(VmException.class, () -> ConsoleKeeperProcess.start(files, 4096, java.util.Optional.empty(), Duration.ofSeconds(30)));

        assertTrue(Files.isSymbolicLink(files.consoleSocket()));
        assertEquals("keep me\n", Files.readString(target));
    }

    @Test
    void new_aLinkInTheLogsPlace_isNotWrittenThrough() throws Exception {
        Path target = Files.writeString(dir.resolve("precious"), "keep me\n");
        Path log = Files.createSymbolicLink(dir.resolve("console.log"), target);

        assertThrows(java.io.IOException.class, () -> new ConsoleLogKeeper(log, 4096));

        assertEquals("keep me\n", Files.readString(target));
    }

    @Test
    void consoleLogLimit_isEightMebibytesByDefault() throws VmException {
        if (System.getenv("JCAP_CONSOLE_LOG_LIMIT") == null) {
            assertEquals(8L << 20, DetachedQemu.consoleLogLimit());
        }
    }
}
