package io.jcap.builder.family.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hints added to a builder guest's errors the user can act on. */
class BuilderVmHintTest {
    @TempDir
    Path temp;

    @Test
    void hint_guestDiskFull_saysToRaiseSize() throws Exception {
        BuilderVm.GuestDisk disk = new BuilderVm.GuestDisk(Files.createFile(temp.resolve("disk.raw")), 64L << 20);

        assertEquals("; the image's disk (64 MiB) is too small for these files: raise `size` in the Capstanfile,"
                + " or leave it out to let jcap size the disk", BuilderVm.hint("write /app/x: No space left on device", disk));
    }

    @Test
    void hint_ioErrorWithLessRoomOnTheHostThanTheDisk_saysTheHostsDiskIsLikelyFull() throws Exception {
        Path file = Files.createFile(temp.resolve("disk.raw"));
        long larger = Files.getFileStore(file).getUsableSpace() + (1L << 40);

        String hint = BuilderVm.hint("syncfs /mnt: I/O error", new BuilderVm.GuestDisk(file, larger));

        assertTrue(hint.startsWith("; the host's disk is likely full: the file system " + Files.getFileStore(file)
                + " has "), hint);
        assertTrue(hint.endsWith(" MiB image disk: free some space and build again (the previous image is untouched)"),
                hint);
    }

    @Test
    void hint_ioErrorWithRoomForTheWholeDisk_addsNothing() throws Exception {
        Path file = Files.createFile(temp.resolve("disk.raw"));

        assertEquals("", BuilderVm.hint("syncfs /mnt: I/O error", new BuilderVm.GuestDisk(file, 1 << 20)));
        assertEquals("", BuilderVm.hint("bad name ../x", new BuilderVm.GuestDisk(file, Long.MAX_VALUE)));
    }
}
