package io.jcap.hypervisor.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleFeedTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ConsoleFeed feed = new ConsoleFeed((bytes, n) -> out.write(bytes, 0, n));

    @Test
    void streamAlone_isPassedOnAsItComes() throws Exception {
        stream("one\n");
        stream("two\n");

        assertEquals("one\ntwo\n", passed());
        assertEquals(8, feed.passed());
    }

    @Test
    void quietStream_theLogsNewBytesArePassedOn_andTheStreamsCopiesOfThemSkipped() throws Exception {
        Path log = log("reader ready\nsecond line\n");
        stream("reader ready\n");

        assertEquals(12, feed.fromLog(file(log)));
        assertEquals("reader ready\nsecond line\n", passed());

        stream("second ");
        stream("line\nthird\n");
        assertEquals("reader ready\nsecond line\nthird\n", passed());
        append(log, "third\n");
        assertEquals(0, feed.fromLog(file(log)));
        assertEquals("reader ready\nsecond line\nthird\n", passed());
    }

    @Test
    void nothingStreamedYet_theLogsFirstLineIsPassedOn_once() throws Exception {
        Path log = log("JCAP-SPIN\r\n");

        assertEquals(11, feed.fromLog(file(log)));
        stream("JCAP-SPIN\r\n");

        assertEquals("JCAP-SPIN\r\n", passed());
    }

    @Test
    void rotatedLog_isNotRead() throws Exception {
        Path log = log("a\nb\n");
        log(log.getFileName() + DomainXml.LOG_ROTATED_SUFFIX, "older");
        stream("a\n");

        assertEquals(-1, feed.fromLog(file(log)));
        assertEquals("a\n", passed());
    }

    @Test
    void logNotHoldingTheStreamsBytesWhereTheStreamHadThem_isNotRead() throws Exception {
        Path log = log("dropped\na\nb\n");
        stream("a\n");

        assertEquals(-1, feed.fromLog(file(log)));
        append(log, "c\n");
        assertEquals(-1, feed.fromLog(file(log)));
        assertEquals("a\n", passed());
    }

    /** A QEMU that dropped what its guest wrote before the console was open: the log holds it, the stream never will. */
    @Test
    void logHoldingBytesTheStreamNeverHad_thoseArePassedOn_andThenTheStreamAlone() throws Exception {
        Path log = log("EARLY\n");
        assertEquals(6, feed.fromLog(file(log)));

        stream("later\n");
        append(log, "later\n");
        stream("last\n");

        assertEquals("EARLY\nlater\nlast\n", passed());
        assertEquals(-1, feed.fromLog(file(log)));
    }

    @Test
    void longLog_isReadInChunks() throws Exception {
        String big = "x".repeat(200_000) + "\n";
        Path log = log(big);

        assertEquals(big.length(), feed.fromLog(file(log)));
        stream(big);

        assertEquals(big, passed());
    }

    private void stream(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        feed.fromStream(bytes, bytes.length);
    }

    private String passed() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private Path log(String text) throws IOException {
        return log("console.log", text);
    }

    private Path log(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private static void append(Path log, String text) throws IOException {
        Files.writeString(log, text, StandardOpenOption.APPEND);
    }

    private ConsoleFeed.LogFile file(Path log) {
        return ConsoleFeed.LogFile.of(new LocalHostFiles(dir.resolve("host"), LibvirtUri.SYSTEM), log.toString());
    }
}
