package io.jcap.formats.rofs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.formats.rofs.RofsEntry.Type;
import io.jcap.model.EventSink;
import io.jcap.model.GuestPath;
import io.jcap.testsupport.RofsSamples;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RofsReaderTest {
    @TempDir
    Path dir;

    private Path sample() throws Exception {
        Path file = dir.resolve("sample.rofs");
        RofsWriter.of(RofsSamples.tree()).write(file, 0, EventSink.NONE);
        return file;
    }

    private static RofsEntry entry(String path, Type type, int mode, long size, String target, long inode) {
        return new RofsEntry(GuestPath.of(path), type, mode, size, target, inode);
    }

    @Test
    void list_sample_givesEveryEntryWithTypeModeSizeAndTarget() throws Exception {
        try (RofsReader rofs = RofsReader.open(sample(), 0)) {
            assertEquals(List.of(
                    entry("/", Type.DIRECTORY, 0755, 0, null, 1),
                    entry("/app", Type.DIRECTORY, 0755, 0, null, 2),
                    entry("/app/lib", Type.DIRECTORY, 0700, 0, null, 5),
                    entry("/app/lib/héllo", Type.FILE, 0755, 512, null, 9),
                    entry("/app/run", Type.SYMLINK, 0777, 10, "lib/héllo", 6),
                    entry("/bin", Type.SYMLINK, 0777, 8, "/app/lib", 3),
                    entry("/etc", Type.DIRECTORY, 0755, 0, null, 4),
                    entry("/etc/empty", Type.FILE, 0644, 0, null, 7),
                    entry("/etc/hosts", Type.FILE, 0644, 513, null, 8)), rofs.list());
        }
    }

    @Test
    void tables_sample_areReadAsWritten() throws Exception {
        try (RofsReader rofs = RofsReader.open(sample(), 0)) {
            assertEquals(RofsSuperblock.of(4, 1, 8, 2, 9), rofs.superblock());
            assertEquals(List.of("/app/lib", "lib/héllo"), rofs.symlinks());
            assertEquals(new RofsReader.DirectoryEntry(9, "héllo"), rofs.directoryEntries().get(7));
            assertEquals(RofsWriter.of(RofsSamples.tree()).inodes(), rofs.inodes());
        }
    }

    @Test
    void readFile_givesTheContents() throws Exception {
        try (RofsReader rofs = RofsReader.open(sample(), 0)) {
            assertArrayEquals(RofsSamples.HOSTS, rofs.readFile(GuestPath.of("/etc/hosts")));
            assertArrayEquals(RofsSamples.HELLO, rofs.readFile(GuestPath.of("/app/lib/héllo")));
            assertArrayEquals(new byte[0], rofs.readFile(GuestPath.of("/etc/empty")));
        }
    }

    @Test
    void list_ofAPath_givesChildrenOrTheEntryItself() throws Exception {
        try (RofsReader rofs = RofsReader.open(sample(), 0)) {
            assertEquals(List.of("/app/lib", "/app/run"),
                    rofs.list(GuestPath.of("/app")).stream().map(e -> e.path().value()).toList());
            assertEquals(List.of(entry("/bin", Type.SYMLINK, 0777, 8, "/app/lib", 3)), rofs.list(GuestPath.of("/bin")));
            assertTrue(rofs.entry(GuestPath.of("/bin/héllo")).isEmpty(), "links are not followed");
            RofsException e = assertThrows(RofsException.class, () -> rofs.list(GuestPath.of("/nope")));
            assertTrue(e.getMessage().startsWith("/nope is not in the image ("), e.getMessage());
        }
    }

    @Test
    void readFile_ofAFolderOrLink_isRefused() throws Exception {
        try (RofsReader rofs = RofsReader.open(sample(), 0)) {
            assertEquals("/app is a folder, not a file",
                    assertThrows(RofsException.class, () -> rofs.readFile(GuestPath.of("/app"))).getMessage());
            assertEquals("/bin is a symbolic link, not a file",
                    assertThrows(RofsException.class, () -> rofs.readFile(GuestPath.of("/bin"))).getMessage());
        }
    }

    @Test
    void open_atAnOffset_readsTheFileSystemThere() throws Exception {
        Path file = Files.write(dir.resolve("disk"), new byte[4096]);
        RofsWriter.of(RofsSamples.tree()).write(file, 1536, EventSink.NONE);
        try (RofsReader rofs = RofsReader.open(file, 1536)) {
            assertArrayEquals(RofsSamples.HOSTS, rofs.readFile(GuestPath.of("/etc/hosts")));
        }
    }

    @Test
    void open_somethingElse_namesTheMagic() throws Exception {
        Path file = Files.write(dir.resolve("zeros"), new byte[2048]);
        RofsException e = assertThrows(RofsException.class, () -> RofsReader.open(file, 512));
        assertEquals(file + " at byte 512 holds no ROFS file system (magic 0x0, expected 0xDEADBEAD)", e.getMessage());
        Path small = Files.write(dir.resolve("small"), new byte[100]);
        e = assertThrows(RofsException.class, () -> RofsReader.open(small, 0));
        assertEquals(small + " at byte 0 holds no ROFS file system: fewer than 512 bytes there", e.getMessage());
    }

    @Test
    void open_nameThatLeavesTheRoot_isReportedAsDamage() throws Exception {
        // Directory entry 0 ("app", at the start of the structure area, block 4) becomes "..".
        Path bad = Files.write(dir.resolve("bad.rofs"), rebuildWithName(Files.readAllBytes(sample()), ".."));
        try (RofsReader rofs = RofsReader.open(bad, 0)) {
            RofsException e = assertThrows(RofsException.class, rofs::list);
            assertEquals("the ROFS in " + bad + " at byte 0 is damaged: folder / holds the name '..'", e.getMessage());
        }
    }

    @Test
    void open_inodeOutOfRange_isReportedAsDamage() throws Exception {
        byte[] image = Files.readAllBytes(sample());
        ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN).putLong(4 * 512, 42); // entry 0 names inode 42
        Path bad = Files.write(dir.resolve("bad.rofs"), image);
        try (RofsReader rofs = RofsReader.open(bad, 0)) {
            RofsException e = assertThrows(RofsException.class, rofs::list);
            assertEquals("the ROFS in " + bad + " at byte 0 is damaged: /app names inode 42 of 9", e.getMessage());
        }
    }

    @Test
    void open_countsThatDoNotFit_areReportedAsDamage() throws Exception {
        byte[] image = Files.readAllBytes(sample());
        ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN).putLong(56, 1000); // 1000 inodes in one block
        Path bad = Files.write(dir.resolve("bad.rofs"), image);
        RofsException e = assertThrows(RofsException.class, () -> RofsReader.open(bad, 0));
        assertEquals("the ROFS in " + bad + " at byte 0 is damaged: its table counts do not fit its structure area",
                e.getMessage());
    }

    /** The sample image with directory entry 0 renamed from "app" (3 bytes) to a 2-byte name. */
    private static byte[] rebuildWithName(byte[] image, String twoBytes) {
        byte[] copy = image.clone();
        int at = 4 * 512 + 10;
        byte[] name = RofsSamples.utf8(twoBytes);
        // Shift the rest of the structure one byte left so the tables stay consistent.
        System.arraycopy(image, at + 3, copy, at + 2, image.length - at - 3);
        copy[copy.length - 1] = 0;
        System.arraycopy(name, 0, copy, at, 2);
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putShort(4 * 512 + 8, (short) 2);
        return copy;
    }
}
