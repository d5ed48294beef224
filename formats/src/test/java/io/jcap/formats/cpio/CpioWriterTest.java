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
    void write_hostFileShrunkAfterItWasListed_isASourceExceptionNamingBoth(@org.junit.jupiter.api.io.TempDir
            java.nio.file.Path dir) throws IOException {
        java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("log"), "0123456789");
        List<ImageEntry> entries = List.of(new ImageEntry.RegularFile(GuestPath.of("/data/log"), 0644, FileContent.of(file)));
        java.nio.file.Files.writeString(file, "0123");

        CpioWriter.SourceException e = assertThrows(CpioWriter.SourceException.class,
                () -> new CpioWriter(CpioWriter.NameStyle.ABSOLUTE, 0).toBytes(entries));

        assertEquals("the file for /data/log (" + file + ") changed size while it was being read (expected 10 bytes,"
                + " read 4): build again", e.getMessage());
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
        Xxh64 whole = new Xxh64();
        whole.update(out.toByteArray(), 0, out.size());
        assertEquals(8, stats.entries());
        assertEquals(out.size(), stats.bytes());
        assertEquals(whole.value(), stats.xxh64());
        assertEquals(io.jcap.model.Sha256.of(out.toByteArray()), stats.sha256());
        assertEquals(0, out.size() % 512);
    }

    @Test
    void write_withoutStreamDigest_sameBytesAndChecksum_andSha256Refused() throws IOException {
        ImageTree tree = new ImageTree();
        sample().forEach(tree::add);
        java.io.ByteArrayOutputStream digested = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream plain = new java.io.ByteArrayOutputStream();
        StreamStats full = new CpioWriter(CpioWriter.NameStyle.ABSOLUTE, 0).write(tree.entries(), digested,
                io.jcap.model.EventSink.NONE);
        StreamStats light = new CpioWriter(CpioWriter.NameStyle.ABSOLUTE, 0).withoutStreamDigest()
                .write(tree.entries(), plain, io.jcap.model.EventSink.NONE);

        assertArrayEquals(digested.toByteArray(), plain.toByteArray());
        assertEquals(full.xxh64(), light.xxh64());
        assertEquals(full.bytes(), light.bytes());
        assertEquals(full.entries(), light.entries());
        IllegalStateException e = assertThrows(IllegalStateException.class, light::sha256);
        assertEquals("this stream's SHA-256 was not taken (CpioWriter.withoutStreamDigest)", e.getMessage());
    }

    @Test
    void write_hardLinks_oneInodeWithTheBytesOnTheFirstNameInArchiveOrder() throws IOException {
        ImageEntry.RegularFile file = new ImageEntry.RegularFile(GuestPath.of("/m/file"), 0750, FileContent.of(
                "linked\n".getBytes(StandardCharsets.UTF_8)), new ImageEntry.Owner(5, 6));
        ImageTree tree = new ImageTree();
        tree.add(new ImageEntry.HardLink(GuestPath.of("/z/link"), file));
        tree.add(file);
        tree.add(new ImageEntry.HardLink(GuestPath.of("/a/link"), file));
        tree.add(new ImageEntry.RegularFile(GuestPath.of("/other"), 0644, FileContent.of(new byte[3])));
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        StreamStats stats = new CpioWriter(CpioWriter.NameStyle.ABSOLUTE, 0).write(tree.entries(), out,
                io.jcap.model.EventSink.NONE);
        assertEquals(List.of("/ ino 1 nlink 2 40755 0", "/a ino 2 nlink 2 40755 0", "/a/link ino 3 nlink 3 100750 7 5:6",
                "/m ino 4 nlink 2 40755 0", "/m/file ino 3 nlink 3 100750 0 5:6", "/other ino 5 nlink 1 100644 3",
                "/z ino 6 nlink 2 40755 0", "/z/link ino 3 nlink 3 100750 0 5:6"), describe(out.toByteArray()));
        assertEquals(8, stats.entries());
        assertEquals(7 + 3, tree.contentBytes());
    }

    @Test
    void write_linksWhoseFileLeftTheTree_stillShareOneInode() throws IOException {
        ImageEntry.RegularFile gone = new ImageEntry.RegularFile(GuestPath.of("/gone"), 0644, FileContent.of(new byte[4]));
        ImageTree tree = new ImageTree();
        tree.add(new ImageEntry.HardLink(GuestPath.of("/x"), gone));
        tree.add(new ImageEntry.HardLink(GuestPath.of("/y"), gone));
        tree.add(new ImageEntry.HardLink(GuestPath.of("/alone"), new ImageEntry.RegularFile(GuestPath.of("/g2"), 0600,
                FileContent.of(new byte[2]))));
        assertEquals(List.of("/ ino 1 nlink 2 40755 0", "/alone ino 2 nlink 1 100600 2", "/x ino 3 nlink 2 100644 4",
                "/y ino 3 nlink 2 100644 0"), describe(new CpioWriter(CpioWriter.NameStyle.ABSOLUTE, 0).toBytes(tree.entries())));
        // Writers without links (OSv's cpiod, ROFS) get copies: one inode each, the bytes each time.
        assertEquals(List.of("/ ino 1 nlink 2 40755 0", "/alone ino 2 nlink 1 100600 2", "/x ino 3 nlink 1 100644 4",
                "/y ino 4 nlink 1 100644 4"), describe(new CpioWriter(CpioWriter.NameStyle.ABSOLUTE, 0).toBytes(
                ImageEntry.HardLink.asCopies(tree.entries()))));
    }

    /** Each entry as "NAME ino I nlink N MODE SIZE[ UID:GID]" (owner only when not root). */
    private static List<String> describe(byte[] archive) throws IOException {
        List<String> lines = new ArrayList<>();
        try (CpioArchiveInputStream in = new CpioArchiveInputStream(new ByteArrayInputStream(archive))) {
            for (CpioArchiveEntry e; (e = in.getNextCPIOEntry()) != null; ) {
                String owner = e.getUID() == 0 && e.getGID() == 0 ? "" : " " + e.getUID() + ":" + e.getGID();
                lines.add(e.getName() + " ino " + e.getInode() + " nlink " + e.getNumberOfLinks() + " "
                        + Long.toOctalString(e.getMode()) + " " + e.getSize() + owner);
            }
        }
        return lines;
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
    void write_removalOfAPathSentAgain_isOneStreamWithBothEntries() throws IOException {
        // A file that became a folder: removed, then sent under the same name (TreeDelta).
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        List<ImageEntry> entries = List.of(new ImageEntry.Directory(GuestPath.of("/data/d"), 0755),
                new ImageEntry.RegularFile(GuestPath.of("/data/d/x"), 0644, FileContent.of(new byte[] {7})));
        StreamStats stats = new CpioWriter(CpioWriter.NameStyle.ABSOLUTE, 0).write(List.of(GuestPath.of("/data/d")),
                entries, out, io.jcap.model.EventSink.NONE);
        List<String> seen = new ArrayList<>();
        try (CpioArchiveInputStream in = new CpioArchiveInputStream(new ByteArrayInputStream(out.toByteArray()))) {
            for (CpioArchiveEntry e; (e = in.getNextCPIOEntry()) != null; ) {
                seen.add(e.getName() + " " + Long.toOctalString(e.getMode()) + " " + e.getSize());
            }
        }
        assertEquals(List.of("/data/d 20000 0", "/data/d 40755 0", "/data/d/x 100644 1"), seen);
        assertEquals(3, stats.entries());
        assertEquals(0, out.size() % 512, "one archive's blocks");
    }

    @Test
    void write_removalOfTheRoot_isRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CpioWriter(
                CpioWriter.NameStyle.ABSOLUTE, 0).write(List.of(GuestPath.ROOT), List.of(),
                java.io.OutputStream.nullOutputStream(), io.jcap.model.EventSink.NONE));
        assertEquals("the image root cannot be removed", e.getMessage());
    }
}
