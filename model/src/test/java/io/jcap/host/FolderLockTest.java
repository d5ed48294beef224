package io.jcap.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    /**
     * One folder through two paths (a home whose kernels folder links to another's store), locked
     * by two threads: the second waits for the first, as for one path. The JVM holds one lock of
     * a file at a time and threw OverlappingFileLockException at the second (seen when two test
     * classes ran at once).
     */
    @Test
    void exclusiveLocks_ofOneFolderThroughALinkAndItsPath_waitForEachOther() throws Exception {
        Path store = Files.createDirectory(dir.resolve("store"));
        Path link = Files.createSymbolicLink(dir.resolve("home-kernels"), store);
        java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        Thread first = new Thread(() -> {
            try (FolderLock lock = FolderLock.acquire(link, true)) {
                held.countDown();
                release.await();
            } catch (Exception | Error e) {
                failure.set(e);
                held.countDown();
            }
        });
        first.start();
        assertTrue(held.await(10, java.util.concurrent.TimeUnit.SECONDS));
        java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.CompletableFuture<Boolean> second = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try (FolderLock lock = FolderLock.acquire(store, true)) {
                return lock.isValid() && released.get();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        released.set(true);
        release.countDown();
        assertTrue(second.get(10, java.util.concurrent.TimeUnit.SECONDS), "it got the lock once the first let it go");
        first.join(10_000);
        assertEquals(null, failure.get());
    }

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
