package io.jcap.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OwnerOnlyTest {
    @TempDir
    Path dir;

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }

    private String linkRefusal(Path link, Path target) {
        return link + ": a symbolic link (to " + target + ") is in its place; jcap does not follow links there:"
                + " remove the link";
    }

    @Test
    void createFolder_write_createFile_areOwnerOnly() throws Exception {
        Path folder = OwnerOnly.createFolder(dir.resolve("web"));
        OwnerOnly.write(folder.resolve("settings"), "KEY=secret\n".getBytes(StandardCharsets.UTF_8));
        OwnerOnly.createFile(folder.resolve("qemu.log"));
        Path open = Files.writeString(folder.resolve("qemu.pid"), "1\n");
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
        OwnerOnly.restrict(open);

        assertEquals("rwx------", mode(folder));
        assertEquals("rw-------", mode(folder.resolve("settings")));
        assertEquals("rw-------", mode(folder.resolve("qemu.log")));
        assertEquals("rw-------", mode(open));
    }

    @Test
    void aLinkInPlace_isRefusedByEach_andItsTargetUntouched() throws Exception {
        Path target = Files.writeString(dir.resolve("precious"), "keep me\n");
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
        Path link = Files.createSymbolicLink(dir.resolve("planted"), target);

        assertEquals(linkRefusal(link, target),
                assertThrows(IOException.class, () -> OwnerOnly.createFolder(link)).getMessage());
        assertEquals(linkRefusal(link, target), assertThrows(IOException.class,
                () -> OwnerOnly.write(link, "x".getBytes(StandardCharsets.UTF_8))).getMessage());
        assertEquals(linkRefusal(link, target),
                assertThrows(IOException.class, () -> OwnerOnly.createFile(link)).getMessage());
        assertEquals(linkRefusal(link, target),
                assertThrows(IOException.class, () -> OwnerOnly.restrict(link)).getMessage());

        assertEquals("keep me\n", Files.readString(target));
        assertEquals("rw-r--r--", mode(target));
        assertTrue(Files.isSymbolicLink(link));
    }

    @Test
    void aDanglingLinkInPlace_isRefused_andNothingIsMadeWhereItPoints() throws Exception {
        Path target = dir.resolve("nothing-yet");
        Path link = Files.createSymbolicLink(dir.resolve("planted"), target);

        assertEquals(linkRefusal(link, target),
                assertThrows(IOException.class, () -> OwnerOnly.createFolder(link)).getMessage());
        assertEquals(linkRefusal(link, target), assertThrows(IOException.class,
                () -> OwnerOnly.write(link, "x".getBytes(StandardCharsets.UTF_8))).getMessage());

        assertFalse(Files.exists(target));
    }

    @Test
    void write_anExistingFile_isRefusedAndKept() throws Exception {
        Path file = Files.writeString(dir.resolve("settings"), "old\n");

        assertThrows(FileAlreadyExistsException.class,
                () -> OwnerOnly.write(file, "new\n".getBytes(StandardCharsets.UTF_8)));

        assertEquals("old\n", Files.readString(file));
    }
}
