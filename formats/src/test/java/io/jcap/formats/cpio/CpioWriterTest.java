package io.jcap.formats.cpio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.model.FileContent;
import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import io.jcap.model.ImageTree;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveInputStream;
import org.junit.jupiter.api.Test;

class CpioWriterTest {

    private static List<ImageEntry> sample() {
        return List.of(
                new ImageEntry.RegularFile(GuestPath.of("/app/hello"), 0755, FileContent.of("hi\n".getBytes(StandardCharsets.UTF_8))),
                new ImageEntry.Symlink(GuestPath.of("/bin/hello"), "/app/hello"),
                new ImageEntry.Directory(GuestPath.of("/tmp"), 01777),
                new ImageEntry.RegularFile(GuestPath.of("/etc/empty"), 0644, FileContent.of(new byte[0])));
    }

    private static byte[] build(List<ImageEntry> entries, CpioWriter.NameStyle style) throws IOException {
        ImageTree tree = new ImageTree();
        entries.forEach(tree::add);
        return new CpioWriter(style, 0).toBytes(tree.entries());
    }

    @Test
    void write_shuffledInputs_giveTheSameBytes() throws IOException {
        List<ImageEntry> shuffled = new ArrayList<>(sample());
        Collections.shuffle(shuffled, new Random(42));
        assertArrayEquals(build(sample(), CpioWriter.NameStyle.ABSOLUTE), build(shuffled, CpioWriter.NameStyle.ABSOLUTE));
    }

    @Test
    void write_absoluteNames_holdsParentsExplicitlyWithFixedMetadata() throws IOException {
        byte[] bytes = build(sample(), CpioWriter.NameStyle.ABSOLUTE);
        List<String> names = new ArrayList<>();
        try (CpioArchiveInputStream in = new CpioArchiveInputStream(new ByteArrayInputStream(bytes))) {
            for (CpioArchiveEntry e; (e = in.getNextCPIOEntry()) != null; ) {
                names.add(e.getName() + " " + Long.toOctalString(e.getMode()) + " " + e.getSize());
                assertEquals(0, e.getUID());
                assertEquals(0, e.getGID());
                assertEquals(0, e.getTime());
            }
        }
        assertEquals(List.of("/ 40755 0", "/app 40755 0", "/app/hello 100755 3", "/bin 40755 0",
                "/bin/hello 120777 10", "/etc 40755 0", "/etc/empty 100644 0", "/tmp 41777 0"), names);
    }

    @Test
    void write_relativeNames_leavesOutTheRoot() throws IOException {
        byte[] bytes = build(sample(), CpioWriter.NameStyle.RELATIVE);
        try (CpioArchiveInputStream in = new CpioArchiveInputStream(new ByteArrayInputStream(bytes))) {
            assertEquals("app", in.getNextCPIOEntry().getName());
        }
    }

    @Test
    void write_absoluteWithoutRoot_sendsNoRootEntryAndKeepsLeadingSlashes() throws IOException {
        byte[] bytes = build(sample(), CpioWriter.NameStyle.ABSOLUTE_WITHOUT_ROOT);
        List<String> names = new ArrayList<>();
        try (CpioArchiveInputStream in = new CpioArchiveInputStream(new ByteArrayInputStream(bytes))) {
            for (CpioArchiveEntry e; (e = in.getNextCPIOEntry()) != null; ) {
                names.add(e.getName());
            }
        }
        assertEquals(List.of("/app", "/app/hello", "/bin", "/bin/hello", "/etc", "/etc/empty", "/tmp"), names);
    }

    @Test
    void write_reportsEntriesBytesAndChecksums() throws IOException {
        ImageTree tree = new ImageTree();
        sample().forEach(tree::add);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        StreamStats stats = new CpioWriter(CpioWriter.NameStyle.ABSOLUTE, 0).write(tree.entries(), out, io.jcap.model.EventSink.NONE);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(out.toByteArray());
        assertEquals(8, stats.entries());
        assertEquals(out.size(), stats.bytes());
        assertEquals(crc.getValue(), stats.crc32());
        assertEquals(io.jcap.model.Sha256.of(out.toByteArray()), stats.sha256());
        assertEquals(0, out.size() % 512);
    }

    @Test
    void tree_fileInsideFile_isRefused() {
        ImageTree tree = new ImageTree();
        tree.add(new ImageEntry.RegularFile(GuestPath.of("/a"), 0644, FileContent.of(new byte[1])));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tree.add(
                new ImageEntry.RegularFile(GuestPath.of("/a/b"), 0644, FileContent.of(new byte[1]))));
        assertEquals("cannot place /a/b inside /a, which is a file, not a folder", e.getMessage());
    }

    @Test
    void write_removals_comeFirstAsCharacterDevicesZeroZeroWithoutData() throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        StreamStats stats = new CpioWriter(CpioWriter.NameStyle.ABSOLUTE, 0).write(
                List.of(GuestPath.of("/app/old/x"), GuestPath.of("/app/old")), sample(), out, io.jcap.model.EventSink.NONE);
        List<String> seen = new ArrayList<>();
        try (CpioArchiveInputStream in = new CpioArchiveInputStream(new ByteArrayInputStream(out.toByteArray()))) {
            for (CpioArchiveEntry e; (e = in.getNextCPIOEntry()) != null; ) {
                seen.add(e.getName() + " " + Long.toOctalString(e.getMode()) + " " + e.getRemoteDeviceMaj() + ":"
                        + e.getRemoteDeviceMin() + " " + e.getSize());
            }
        }
        assertEquals(List.of("/app/old/x 20000 0:0 0", "/app/old 20000 0:0 0", "/app/hello 100755 0:0 3",
                "/bin/hello 120777 0:0 10", "/tmp 41777 0:0 0", "/etc/empty 100644 0:0 0"), seen);
        assertEquals(6, stats.entries());
    }

    @Test
    void write_removalOfTheRoot_isRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CpioWriter(
                CpioWriter.NameStyle.ABSOLUTE, 0).write(List.of(GuestPath.ROOT), List.of(),
                java.io.OutputStream.nullOutputStream(), io.jcap.model.EventSink.NONE));
        assertEquals("the image root cannot be removed", e.getMessage());
    }
}
