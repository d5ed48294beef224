package io.jcap.formats.cpio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.model.EventSink;
import io.jcap.model.FileContent;
import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link CpioWriter#withHoles}: which entries go with a hole map, and the limit it lifts. */
class CpioWriterHolesTest {
    @TempDir
    Path temp;

    /** A sparse host file of {@code length} bytes holding {@code text} at {@code offset}. */
    private Path sparse(String name, long length, long offset, String text) throws IOException {
        Path file = temp.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(length);
            f.seek(offset);
            f.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return file;
    }

    private static List<String> headers(byte[] stream) throws IOException {
        List<String> seen = new ArrayList<>();
        try (CpioArchiveInputStream in = new CpioArchiveInputStream(new ByteArrayInputStream(stream))) {
            for (CpioArchiveEntry e; (e = in.getNextCPIOEntry()) != null; ) {
                seen.add(e.getName() + " size=" + e.getSize() + " check=" + e.getChksum());
            }
        }
        return seen;
    }

    @Test
    void write_withHoles_sendsAZeroRunAsAMapAndOtherFilesAsTheyAre() throws IOException {
        Path db = sparse("db", 64L << 20, 5 << 20, "row");
        // Random bytes around 60 KiB of zeros: no hole.
        byte[] bytes = new byte[100_001];
        new java.util.Random(1).nextBytes(bytes);
        java.util.Arrays.fill(bytes, 8192, 8192 + 60 * 1024, (byte) 0);
        Path dense = Files.write(temp.resolve("dense"), bytes);
        List<ImageEntry> entries = List.of(
                new ImageEntry.RegularFile(GuestPath.of("/data/db"), 0644, FileContent.of(db)),
                new ImageEntry.RegularFile(GuestPath.of("/small"), 0644, FileContent.of(new byte[4096])),
                new ImageEntry.RegularFile(GuestPath.of("/dense"), 0644, FileContent.of(dense)));
        List<long[]> progress = new ArrayList<>();
        EventSink events = new EventSink() {
            @Override
            public void log(Level level, String message) {
            }

            @Override
            public void progress(String task, long done, long total) {
                progress.add(new long[] {done, total});
            }
        };

        ByteArrayOutputStream holes = new ByteArrayOutputStream();
        StreamStats stats = new CpioWriter(CpioWriter.NameStyle.ABSOLUTE, 0).withHoles().write(entries, holes, events);
        byte[] plain = new CpioWriter(CpioWriter.NameStyle.ABSOLUTE, 0).toBytes(entries);

        // /data/db: its length, one segment's offset and length, and the 4 KiB block holding "row".
        assertEquals(List.of("/data/db size=4120 check=1", "/small size=4096 check=0", "/dense size=100001 check=0"),
                headers(holes.toByteArray()));
        assertEquals(List.of("/data/db size=67108864 check=0", "/small size=4096 check=0", "/dense size=100001 check=0"),
                headers(plain));
        assertTrue(stats.bytes() < 120_000, stats.bytes() + " bytes streamed");
        assertEquals((64L << 20) - 4096, stats.holeBytes());
        long[] last = progress.get(progress.size() - 1);
        assertEquals((64L << 20) + 4096 + 100_001, last[0], "progress counts the holes as done");
        assertEquals(List.of(5L << 20, (5L << 20) + 4096, 64L << 20), progress.stream().limit(3).map(p -> p[0]).toList(),
                "the hole before the data, the data, the hole after it");
        assertEquals(last[1], last[0]);
    }

    @Test
    void write_withHolesAndFileDigests_digestsTheWholeFile() throws IOException {
        Path db = sparse("db", 1 << 20, 300_000, "row");
        io.jcap.model.Sha256[] digest = new io.jcap.model.Sha256[1];

        new CpioWriter(CpioWriter.NameStyle.ABSOLUTE, 0).withHoles().withFileDigests((path, d) -> digest[0] = d)
                .toBytes(List.of(new ImageEntry.RegularFile(GuestPath.of("/db"), 0644, FileContent.of(db))));

        assertEquals(io.jcap.model.Sha256.of(Files.readAllBytes(db)), digest[0]);
    }

    @Test
    void tooBig_aFileOverTheLimitWithItsDataUnder_fitsAStreamWithHolesOnly() throws IOException {
        // newc's limit is 4 GiB; a scan of 4 GiB of holes would take this test seconds, so a lower one.
        Path big = sparse("big", 5 << 20, 3 << 20, "data");
        Path dense = temp.resolve("dense");
        byte[] bytes = new byte[2 << 20];
        new java.util.Random(3).nextBytes(bytes);
        Files.write(dense, bytes);
        List<ImageEntry> entries = List.of(new ImageEntry.RegularFile(GuestPath.of("/big"), 0644, FileContent.of(big)));
        List<ImageEntry> both = List.of(entries.get(0),
                new ImageEntry.RegularFile(GuestPath.of("/dense"), 0644, FileContent.of(dense)));

        assertEquals(Optional.empty(), CpioWriter.tooBig(entries, "the builder guest", true, 1 << 20));
        assertEquals(Optional.of("the file /big is 5242880 bytes, and a file streamed into OSv's cpiod holds at most"
                + " 1048576 bytes (the stream is a newc cpio, whose sizes are 32-bit)"),
                CpioWriter.tooBig(entries, "OSv's cpiod", false, 1 << 20));
        assertEquals(Optional.of("the file /dense is 2097152 bytes, and a file streamed into the builder guest holds at"
                + " most 1048576 bytes besides its runs of zeros of 64 KiB or more (the stream is a newc cpio, whose"
                + " sizes are 32-bit)"), CpioWriter.tooBig(both, "the builder guest", true, 1 << 20));
        assertEquals(Optional.empty(), CpioWriter.tooBig(both, "the builder guest", true));
    }

    @Test
    void write_withHoles_aFileThatShrankAfterItWasListed_isASourceException() throws IOException {
        Path log = sparse("log", 1 << 20, 900_000, "end");
        ImageEntry.RegularFile entry = new ImageEntry.RegularFile(GuestPath.of("/log"), 0644, FileContent.of(log));
        Files.write(log, new byte[10]);

        CpioWriter.SourceException e = assertThrows(CpioWriter.SourceException.class,
                () -> new CpioWriter(CpioWriter.NameStyle.ABSOLUTE, 0).withHoles().toBytes(List.of(entry)));

        assertEquals("the file for /log (" + log + ") changed size while it was being read (expected 1048576 bytes,"
                + " now 10 bytes): build again", e.getMessage());
    }
}
