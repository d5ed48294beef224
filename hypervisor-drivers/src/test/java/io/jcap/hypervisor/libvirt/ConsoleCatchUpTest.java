package io.jcap.hypervisor.libvirt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the console stream lost at its end, found in the console's log: real files read through
 * {@link LocalHostFiles}, the way a local domain's log is read, including a log virtlogd rotated.
 */
class ConsoleCatchUpTest {
    @TempDir
    Path dir;

    private static byte[] lines(int from, int to) {
        StringBuilder text = new StringBuilder();
        for (int i = from; i < to; i++) {
            text.append(String.format("line %05d ..................................................\r\n", i));
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] join(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    /** The stream delivered the bytes of {@code delivered}, in reads of at most 16 KiB as the console's. */
    private static ConsoleCatchUp streamed(byte[] delivered) {
        ConsoleCatchUp catchUp = new ConsoleCatchUp();
        for (int at = 0; at < delivered.length; at += 16384) {
            byte[] read = Arrays.copyOfRange(delivered, at, Math.min(delivered.length, at + 16384));
            catchUp.received(read, read.length);
        }
        return catchUp;
    }

    private ConsoleCatchUp.LogTail log(LocalHostFiles files, Path log) {
        return window -> ConsoleCatchUp.tail(files, log.toString(), window);
    }

    @Test
    void missing_streamLostItsLastLines_areTheLogsBytesAfterWhatItDelivered() throws Exception {
        byte[] delivered = lines(0, 39889);
        byte[] lost = join(lines(39889, 40000), "JCAP-EXIT 4 tag\r\n".getBytes(StandardCharsets.US_ASCII));
        Path log = Files.write(dir.resolve("console.log"), join(delivered, lost));

        Optional<byte[]> missing = streamed(delivered).missing(log(new LocalHostFiles(dir, LibvirtUri.SYSTEM), log));

        assertArrayEquals(lost, missing.orElseThrow());
    }

    @Test
    void missing_streamDeliveredEverything_isNothing() throws Exception {
        byte[] delivered = lines(0, 2000);
        Path log = Files.write(dir.resolve("console.log"), delivered);

        Optional<byte[]> missing = streamed(delivered).missing(log(new LocalHostFiles(dir, LibvirtUri.SYSTEM), log));

        assertEquals(0, missing.orElseThrow().length);
    }

    /** virtlogd rotated the log at 2 MiB just before the lost part: the end is read across console.log.0. */
    @Test
    void missing_logRotatedInsideTheWindow_isReadAcrossTheRotatedFile() throws Exception {
        byte[] all = lines(0, 40000);
        int rotatedAt = 2 * 1024 * 1024;
        int deliveredUpTo = all.length - 7000;
        Files.write(dir.resolve("console.log.0"), Arrays.copyOfRange(all, 0, rotatedAt));
        Path log = Files.write(dir.resolve("console.log"), Arrays.copyOfRange(all, rotatedAt, all.length));

        Optional<byte[]> missing = streamed(Arrays.copyOf(all, deliveredUpTo))
                .missing(log(new LocalHostFiles(dir, LibvirtUri.SYSTEM), log));

        assertArrayEquals(Arrays.copyOfRange(all, deliveredUpTo, all.length), missing.orElseThrow());
    }

    /** Nothing came through the stream at all: the whole (short) log is what was missed. */
    @Test
    void missing_nothingStreamed_isTheWholeLog() throws Exception {
        byte[] all = lines(0, 10);
        Path log = Files.write(dir.resolve("console.log"), all);

        Optional<byte[]> missing = new ConsoleCatchUp().missing(log(new LocalHostFiles(dir, LibvirtUri.SYSTEM), log));

        assertArrayEquals(all, missing.orElseThrow());
    }

    /** The domain's folder is gone (jcap was interrupted): nothing to take, nothing to say. */
    @Test
    void missing_noLogFile_isNothing() throws Exception {
        Optional<byte[]> missing = streamed(lines(0, 10))
                .missing(log(new LocalHostFiles(dir, LibvirtUri.SYSTEM), dir.resolve("console.log")));

        assertEquals(0, missing.orElseThrow().length);
    }

    /** A log that never shows the stream's end (not the same console) gives nothing, after waiting for it. */
    @Test
    void missing_logWithoutTheStreamsEnd_isEmptyAfterWaiting() throws Exception {
        Path log = Files.write(dir.resolve("console.log"), lines(0, 100));

        Optional<byte[]> missing = streamed(lines(500, 600)).missing(log(new LocalHostFiles(dir, LibvirtUri.SYSTEM), log));

        assertTrue(missing.isEmpty());
    }

    /** Repeated output: what follows the last repetition, such as the exit line, is recovered. */
    @Test
    void after_repeatedOutput_takesTheLastOccurrence() {
        byte[] same = "y\r\n".repeat(3000).getBytes(StandardCharsets.US_ASCII);
        byte[] end = "JCAP-EXIT 0 tag\r\n".getBytes(StandardCharsets.US_ASCII);

        Optional<byte[]> after = ConsoleCatchUp.after(join(same, end), Arrays.copyOf(same, 4095));

        assertArrayEquals(end, after.orElseThrow());
    }

    @Test
    void received_keepsOnlyTheLastBytes_acrossReadsOfAnySize() throws Exception {
        byte[] all = lines(0, 300);
        ConsoleCatchUp catchUp = new ConsoleCatchUp();
        catchUp.received(Arrays.copyOf(all, 10), 10);
        catchUp.received(Arrays.copyOfRange(all, 10, 9000), 8990);
        catchUp.received(Arrays.copyOfRange(all, 9000, all.length), all.length - 9000);
        Path log = Files.write(dir.resolve("console.log"), join(all, "tail".getBytes(StandardCharsets.US_ASCII)));

        assertEquals(all.length, catchUp.total());
        assertEquals("tail", new String(catchUp.missing(log(new LocalHostFiles(dir, LibvirtUri.SYSTEM), log))
                .orElseThrow(), StandardCharsets.US_ASCII));
    }
}
