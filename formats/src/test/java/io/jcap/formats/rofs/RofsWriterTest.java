package io.jcap.formats.rofs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.model.EventSink;
import io.jcap.model.FileContent;
import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import io.jcap.model.ImageTree;
import io.jcap.testsupport.RofsSamples;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RofsWriterTest {
    @TempDir
    Path dir;

    @Test
    void write_sample_matchesTheHandComputedLayout() throws Exception {
        assertArrayEquals(RofsSamples.expectedSample(), write(RofsSamples.tree()));
    }

    @Test
    void of_sample_reportsSuperblockAndSize() throws Exception {
        RofsWriter rofs = RofsWriter.of(RofsSamples.tree());
        assertEquals(RofsSuperblock.of(4, 1, 8, 2, 9), rofs.superblock());
        assertEquals(5 * 512, rofs.sizeBytes());
        assertEquals(new RofsInode(0x81A4, 8, 1, 513), rofs.inodes().get(7));
    }

    @Test
    void write_emptyImage_isSuperblockAndRootInode() throws Exception {
        ByteBuffer b = ByteBuffer.allocate(2 * 512).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0xDEADBEADL).putLong(1).putLong(512).putLong(1).putLong(1).putLong(0).putLong(0).putLong(1);
        b.position(512).putLong(0x41ED).putLong(1).putLong(0).putLong(0);
        assertArrayEquals(b.array(), write(List.of()));
    }

    @Test
    void write_shuffledInputs_giveIdenticalBytes() throws Exception {
        List<ImageEntry> entries = new ArrayList<>(RofsSamples.tree());
        entries.add(new ImageEntry.Directory(GuestPath.of("/tmp"), 01777));
        entries.add(new ImageEntry.RegularFile(GuestPath.of("/a-b"), 0600, FileContent.of(new byte[1000])));
        entries.add(new ImageEntry.RegularFile(GuestPath.of("/a/b"), 0600, FileContent.of(new byte[3])));
        byte[] first = write(entries);
        for (long seed = 1; seed <= 5; seed++) {
            List<ImageEntry> shuffled = new ArrayList<>(entries);
            Collections.shuffle(shuffled, new Random(seed));
            assertArrayEquals(first, write(shuffled), "seed " + seed);
        }
        ImageTree tree = new ImageTree();
        entries.forEach(tree::add);
        assertArrayEquals(first, write(tree.entries()));
    }

    @Test
    void write_namesSortByUtf8BytesNotUtf16() throws Exception {
        // U+FF21 (EF BC A1 in UTF-8) sorts before U+1F600 (F0 9F 98 80) in UTF-8 byte order,
        // but after it in Java's UTF-16 order (FF21 > D83D).
        List<ImageEntry> entries = List.of(
                new ImageEntry.Directory(GuestPath.of("/\uD83D\uDE00"), 0755),
                new ImageEntry.Directory(GuestPath.of("/\uFF21"), 0755));
        try (RofsReader reader = RofsReader.open(file(write(entries)), 0)) {
            assertEquals(List.of("\uFF21", "\uD83D\uDE00"),
                    reader.directoryEntries().stream().map(RofsReader.DirectoryEntry::name).toList());
        }
    }

    @Test
    void write_atAnOffsetOverGarbage_writesEveryByte() throws Exception {
        byte[] garbage = new byte[10_000];
        Arrays.fill(garbage, (byte) 0xEE);
        Path file = file(garbage);
        RofsWriter.of(RofsSamples.tree()).write(file, 1000, EventSink.NONE);
        byte[] all = Files.readAllBytes(file);
        assertArrayEquals(RofsSamples.expectedSample(), Arrays.copyOfRange(all, 1000, 1000 + 5 * 512));
        assertEquals((byte) 0xEE, all[999]);
        assertEquals((byte) 0xEE, all[1000 + 5 * 512]);
    }

    @Test
    void of_samePathTwice_isRefused() {
        List<ImageEntry> twice = List.of(
                new ImageEntry.Directory(GuestPath.of("/a"), 0755),
                new ImageEntry.Directory(GuestPath.of("/a"), 0700));
        RofsException e = assertThrows(RofsException.class, () -> RofsWriter.of(twice));
        assertEquals("the image lists /a twice: give each path once", e.getMessage());
    }

    @Test
    void of_entryInsideAFile_isRefused() {
        List<ImageEntry> entries = List.of(
                new ImageEntry.RegularFile(GuestPath.of("/a"), 0644, FileContent.of(new byte[1])),
                new ImageEntry.RegularFile(GuestPath.of("/a/b"), 0644, FileContent.of(new byte[1])));
        RofsException e = assertThrows(RofsException.class, () -> RofsWriter.of(entries));
        assertEquals("cannot place /a/b inside /a, which is a file, not a folder", e.getMessage());
    }

    @Test
    void of_nameLongerThan255Bytes_isRefused() throws Exception {
        String ok = "é".repeat(127) + "x"; // 255 bytes
        RofsWriter.of(List.of(new ImageEntry.Directory(GuestPath.of("/" + ok), 0755)));
        String tooLong = "é".repeat(128); // 256 bytes
        RofsException e = assertThrows(RofsException.class,
                () -> RofsWriter.of(List.of(new ImageEntry.Directory(GuestPath.of("/d/" + tooLong), 0755))));
        assertEquals("cannot put /d/" + tooLong + " in ROFS: its name is 256 bytes long (UTF-8) and ROFS names hold"
                + " at most 255: shorten it", e.getMessage());
    }

    @Test
    void of_symlinkTargetOver65535Bytes_isRefused() {
        String target = "/" + "a".repeat(65535);
        RofsException e = assertThrows(RofsException.class,
                () -> RofsWriter.of(List.of(new ImageEntry.Symlink(GuestPath.of("/l"), target))));
        assertEquals("cannot put symbolic link /l in ROFS: its target is 65536 bytes long and ROFS holds at most 65535",
                e.getMessage());
    }

    @Test
    void write_hostFileThatChangedSize_isReported() throws Exception {
        Path host = Files.write(dir.resolve("app.jar"), new byte[700]);
        ImageEntry file = new ImageEntry.RegularFile(GuestPath.of("/app.jar"), 0644, FileContent.of(host));
        RofsWriter rofs = RofsWriter.of(List.of(file));
        Files.write(host, new byte[600]);
        Path out = dir.resolve("out.rofs");
        RofsException e = assertThrows(RofsException.class, () -> rofs.write(out, 0, EventSink.NONE));
        assertEquals("/app.jar (" + host + ") changed while the image was written: expected 700 bytes, read 600 bytes;"
                + " build again", e.getMessage());
        Files.write(host, new byte[800]);
        e = assertThrows(RofsException.class, () -> rofs.write(out, 0, EventSink.NONE));
        assertEquals("/app.jar (" + host + ") changed while the image was written: expected 700 bytes, read more than"
                + " 700 bytes; build again", e.getMessage());
    }

    @Test
    void write_largeFile_isCopiedAcrossBufferChunks() throws Exception {
        byte[] big = new byte[200_001];
        new Random(3).nextBytes(big);
        Path host = Files.write(dir.resolve("big.bin"), big);
        byte[] image = write(List.of(new ImageEntry.RegularFile(GuestPath.of("/big"), 0644, FileContent.of(host))));
        assertArrayEquals(big, Arrays.copyOfRange(image, 512, 512 + big.length));
        long blocks = (big.length + 511) / 512;
        assertEquals((1 + blocks + 1) * 512, image.length);
        for (int i = 512 + big.length; i < (1 + blocks) * 512; i++) {
            assertEquals(0, image[i], "padding byte " + i);
        }
    }

    private byte[] write(List<ImageEntry> entries) throws Exception {
        RofsWriter rofs = RofsWriter.of(entries);
        Path out = Files.createTempFile(dir, "rofs", ".img");
        rofs.write(out, 0, EventSink.NONE);
        byte[] bytes = Files.readAllBytes(out);
        assertEquals(rofs.sizeBytes(), bytes.length);
        return bytes;
    }

    private Path file(byte[] bytes) throws Exception {
        return Files.write(Files.createTempFile(dir, "f", ".bin"), bytes);
    }
}
