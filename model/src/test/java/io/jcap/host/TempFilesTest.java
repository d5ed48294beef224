package io.jcap.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TempFilesTest {
    @TempDir
    Path area;

    @Test
    void create_makesAnOwnerOnlyFolderWithItsLockBesideIt() throws Exception {
        Path folder = TempFiles.create(area, "build-");
        try {
            assertTrue(folder.getFileName().toString().startsWith("build-"), folder.toString());
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)));
            Path lock = lockOf(folder);
            assertTrue(Files.isRegularFile(lock));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(lock)));
        } finally {
            TempFiles.delete(folder);
        }
        assertFalse(Files.exists(folder));
        assertFalse(Files.exists(lockOf(folder)), "delete removes the lock file too");
    }

    /**
     * A folder that cannot be deleted whole (an immutable file in it, ext4's {@code chattr +i}, which
     * stops root too) keeps its lock file, free, so that the area's next sweep removes it once it can.
     */
    @Test
    void delete_ofAFolderThatCannotBeDeletedWhole_leavesItToTheNextSweep() throws Exception {
        Path folder = TempFiles.create(area, "build-");
        Path stuck = Files.writeString(folder.resolve("stuck"), "x");
        boolean immutable = chattr("+i", stuck);
        if (!"true".equals(System.getenv("CI"))) {
            org.junit.jupiter.api.Assumptions.assumeTrue(immutable, "chattr +i works only as root on ext4 and the like");
        }
        assertTrue(immutable, "chattr +i " + stuck + " (CI runs as root on ext4)");
        try {
            TempFiles.delete(folder);
            assertTrue(Files.exists(stuck), "the immutable file stays, under the folder's own name");
            assertFalse(Files.exists(TempFolderLock.aside(folder)), "put back from aside");
            assertTrue(Files.isRegularFile(lockOf(folder)), "the lock file stays for the next sweep");
        } finally {
            chattr("-i", stuck);
        }
        assertEquals(List.of(folder), TempFiles.sweep(area));
        assertFalse(Files.exists(folder));
        assertFalse(Files.exists(lockOf(folder)));
    }

    /**
     * A thread of this JVM still writing into the folder while it is deleted (jcap's main thread
     * goes on while the shutdown hook deletes its work folder after a Ctrl-C): files made during
     * the walk are deleted too, and the writer's next file fails, as the folder is gone.
     */
    @Test
    void delete_whileAnotherThreadStillWritesIntoTheFolder_leavesNothing() throws Exception {
        for (int round = 0; round < 20; round++) {
            Path folder = TempFiles.create(area, "run-");
            CountDownLatch started = new CountDownLatch(1);
            AtomicInteger written = new AtomicInteger();
            Thread writer = new Thread(() -> {
                // As many files as a run's materialization writes and more, then it stops.
                for (int i = 0; i < 3000; i++) {
                    try {
                        Files.writeString(folder.resolve("f" + i), "x");
                    } catch (IOException e) {
                        return;
                    }
                    if (written.incrementAndGet() == 50) {
                        started.countDown();
                    }
                }
            });
            writer.start();
            assertTrue(started.await(10, TimeUnit.SECONDS), "the writer started");
            TempFiles.delete(folder);
            writer.join(10_000);
            assertFalse(Files.exists(folder), "round " + round + ": the folder is gone (" + written.get()
                    + " files written)");
            assertFalse(Files.exists(lockOf(folder)), "round " + round + ": its lock file too");
        }
    }

    private static boolean chattr(String change, Path file) throws Exception {
        Process p = new ProcessBuilder("chattr", change, file.toString()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor() == 0;
    }

    @Test
    void create_passesOverANameThatIsTaken_byAFileOrALink() throws Exception {
        Path elsewhere = Files.createDirectory(area.resolve("elsewhere"));
        Files.writeString(area.resolve("run-1" + TempFolderLock.SUFFIX), "someone's");
        Files.createSymbolicLink(area.resolve("run-2" + TempFolderLock.SUFFIX), elsewhere.resolve("target"));
        long[] numbers = {1, 2, 3};
        int[] next = {0};

        TempFolderLock lock = TempFolderLock.create(area, "run-", () -> numbers[next[0]++]);
        try {
            assertEquals(area.resolve("run-3"), lock.folder());
            assertEquals("someone's", Files.readString(area.resolve("run-1" + TempFolderLock.SUFFIX)));
            assertFalse(Files.exists(elsewhere.resolve("target")), "nothing is made through the link");
        } finally {
            lock.release();
        }
    }

    @Test
    void sweep_keepsAFolderLockedByAnotherLiveProcess_andRemovesItOnceThatProcessIsKilled() throws Exception {
        Process holder = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(), area.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            Path folder = Path.of(out.readLine());
            Files.writeString(folder.resolve("disk.img"), "work in progress");

            assertEquals(List.of(), TempFiles.sweep(area));
            assertTrue(Files.isRegularFile(folder.resolve("disk.img")), "a live process's folder stays");

            holder.destroyForcibly();   // SIGKILL: no shutdown hook runs
            assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
            assertTrue(Files.isDirectory(folder), "nothing removed the folder of the killed process yet");

            assertEquals(List.of(folder), TempFiles.sweep(area));
            assertFalse(Files.exists(folder));
            assertFalse(Files.exists(lockOf(folder)));
        } finally {
            holder.destroyForcibly();
        }
    }

    @Test
    void sweep_keepsThisProcessesOwnFolderAndItsLock() throws Exception {
        Path folder = TempFiles.create(area, "run-");
        try {
            assertEquals(List.of(), TempFiles.sweep(area));
            assertEquals(List.of(), TempFiles.sweep(area), "a second sweep neither drops the lock nor the folder");
            assertTrue(Files.isDirectory(folder));
        } finally {
            TempFiles.delete(folder);
        }
    }

    @Test
    void create_sweepsTheAreaBeforeItsFirstFolder() throws Exception {
        Path dead = Files.createDirectory(area.resolve("build-1"));
        Files.writeString(area.resolve("build-1.jcap-lock"), "");
        Path folder = TempFiles.create(area, "build-");
        try {
            assertFalse(Files.exists(dead), "a folder whose lock nobody holds is a dead process's");
            assertFalse(Files.exists(area.resolve("build-1.jcap-lock")));
        } finally {
            TempFiles.delete(folder);
        }
    }

    @Test
    void sweep_leavesFoldersWithoutALockFileAndOtherFilesAlone() throws Exception {
        Path other = Files.createDirectory(area.resolve("someone-elses"));
        Path lone = Files.writeString(area.resolve("fresh.jcap-lock"), "");
        assertEquals(List.of(), TempFiles.sweep(area));
        assertTrue(Files.isDirectory(other));
        assertTrue(Files.exists(lone), "a fresh lock file without its folder may be one being made");

        Files.setLastModifiedTime(lone, FileTime.from(Instant.now().minus(TempFolderLock.LONE_LOCK_AGE.multipliedBy(2))));
        assertEquals(List.of(), TempFiles.sweep(area));
        assertFalse(Files.exists(lone), "an old free lock file without its folder is a leftover");
    }

    /** A JVM killed while its hook deleted a folder moved aside leaves it there, beside a free lock. */
    @Test
    void sweep_removesAFolderLeftAsideByADeletion() throws Exception {
        Path folder = area.resolve("run-7");
        Path aside = Files.createDirectories(TempFolderLock.aside(folder).resolve("sub"));
        Files.writeString(aside.resolve("f"), "x");
        Files.writeString(lockOf(folder), "");

        assertEquals(List.of(folder), TempFiles.sweep(area));

        assertFalse(Files.exists(TempFolderLock.aside(folder)));
        assertFalse(Files.exists(lockOf(folder)));
    }

    @Test
    void sweep_removesALinkInPlaceOfAFolder_notWhatItPointsTo() throws Exception {
        Path target = Files.createDirectory(area.resolve("precious"));
        Files.writeString(target.resolve("keep.txt"), "keep");
        Path link = Files.createSymbolicLink(area.resolve("build-2"), target);
        Files.writeString(area.resolve("build-2.jcap-lock"), "");
        assertEquals(List.of(link), TempFiles.sweep(area));
        assertFalse(Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertEquals("keep", Files.readString(target.resolve("keep.txt")));
    }

    private static Path lockOf(Path folder) {
        return folder.resolveSibling(folder.getFileName() + ".jcap-lock");
    }

    /** Another process holding a folder: makes one in the area given, prints it, and waits to be killed. */
    @Test
    void sweep_whileAThreadOfThisJvmHoldsALockFileNotYetRegistered_keepsThatLock() throws Exception {
        // The window between TempFolderLock.create and TempFiles' own record of the folder: a
        // sweep from another thread then saw a lock file that was not "ours", opened it, and
        // its close dropped this JVM's lock for every other process.
        TempFolderLock lock = TempFolderLock.create(area, "run-");
        try {
            assertEquals(List.of(), TempFiles.sweep(area));

            assertTrue(Files.isDirectory(lock.folder()));
            assertEquals("held", probe(lockOf(lock.folder())), "another process still finds the folder locked");
        } finally {
            lock.release();
        }
    }

    /** Whether another process can take the lock of {@code lockFile}: "held" or "free". */
    private static String probe(Path lockFile) throws Exception {
        Process probe = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "-cp", System.getProperty("java.class.path"), LockProbe.class.getName(), lockFile.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String answer = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(probe.waitFor(30, TimeUnit.SECONDS));
        return answer;
    }

    public static final class LockProbe {
        public static void main(String[] args) throws Exception {
            try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(Path.of(args[0]),
                    java.nio.file.StandardOpenOption.WRITE)) {
                System.out.println(channel.tryLock() == null ? "held" : "free");
            }
        }
    }

    public static final class LockHolder {
        public static void main(String[] args) throws Exception {
            Path folder = TempFiles.create(Path.of(args[0]), "build-");
            System.out.println(folder);
            System.out.flush();
            Thread.sleep(TimeUnit.MINUTES.toMillis(5));
        }
    }
}
