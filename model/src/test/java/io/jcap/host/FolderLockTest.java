package io.jcap.host;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readers of a folder this user cannot write: a store in a read-only home is listed, under the
 * lock file that is there, or without one when there is none. The folder is made immutable
 * ({@code chattr +i}), which stops root too, as a read-only home stops its user.
 */
class FolderLockTest {
    @TempDir
    Path dir;

    @Test
    void sharedLock_ofAFolderThatCannotBeWritten_worksWithItsLockFileOrWithout_andAnExclusiveOneFails()
            throws Exception {
        Path bare = Files.createDirectory(dir.resolve("bare"));
        Path locked = Files.createDirectory(dir.resolve("locked"));
        Files.writeString(locked.resolve(FolderLock.FILE_NAME), "");
        boolean immutable = chattr("+i", bare) && chattr("+i", locked);
        if (!"true".equals(System.getenv("CI"))) {
            org.junit.jupiter.api.Assumptions.assumeTrue(immutable, "chattr +i works only as root on ext4 and the like");
        }
        assertTrue(immutable, "chattr +i (CI runs as root on ext4)");
        try {
            try (FolderLock reading = FolderLock.acquire(bare, false)) {
                assertFalse(reading.isValid(), "no lock file could be made, and none was there");
            }
            try (FolderLock reading = FolderLock.acquire(locked, false)) {
                assertTrue(reading.isValid(), "the lock file there is locked, shared");
            }
            assertThrows(IOException.class, () -> FolderLock.acquire(bare, true).close());
        } finally {
            chattr("-i", bare);
            chattr("-i", locked);
        }
    }

    private static boolean chattr(String change, Path file) throws Exception {
        Process p = new ProcessBuilder("chattr", change, file.toString()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor() == 0;
    }
}
