package io.jcap.builder.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.host.FolderLock;
import io.jcap.model.JcapException;
import io.jcap.testsupport.ThreadWaits;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Build locks between processes: each case has a second JVM ({@link BuildLockHolder}) take them. */
class BuildLockTest {
    @TempDir
    Path dir;

    /** A second JVM running {@link BuildLockHolder}. */
    private record Holder(Process process, BufferedReader out) implements AutoCloseable {
        static Holder start(Path dir, String name, String mode) throws IOException {
            Process process = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                    "-cp", System.getProperty("java.class.path"), BuildLockHolder.class.getName(),
                    dir.toString(), name, mode).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            return new Holder(process, new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)));
        }

        String line() throws IOException {
            return out.readLine();
        }

        void release() throws IOException {
            process.getOutputStream().write('\n');
            process.getOutputStream().flush();
        }

        void kill() throws InterruptedException {
            process.destroyForcibly();   // SIGKILL: nothing of the holder's own runs
            assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        }

        @Override
        public void close() throws InterruptedException {
            kill();
        }
    }

    private String tryFromAnotherProcess(String name) throws Exception {
        try (Holder other = Holder.start(dir, name, "try")) {
            return other.line();
        }
    }

    private Path lockFile(String name) {
        return dir.resolve(".build-" + name + ".lock");
    }

    private static void store(ImageRepository repo, String name) throws Exception {
        Path staging = repo.newStaging();
        Files.write(staging.resolve("image.qcow2"), new byte[] {1});
        repo.commit(staging, ImageRepositoryTest.meta(name, new byte[] {1}));
    }

    @Test
    void anotherProcessesBuild_isNamed_andItsFileGoesWhenItEnds() throws Exception {
        ImageRepository repo = new ImageRepository(dir);
        try (Holder holder = Holder.start(dir, "hello", "hold")) {
            assertEquals("locked", holder.line());
            JcapException busy = assertThrows(JcapException.class, () -> repo.lockForBuild("hello"));
            assertEquals("image 'hello' is being built or pulled by another jcap (process " + holder.process().pid()
                    + "): wait for it to end, or use another name (--name)", busy.getMessage());

            holder.release();
            assertEquals("released", holder.line());
            assertFalse(Files.exists(lockFile("hello")), "a build's lock file goes with its lock");
        }
        try (BuildLock lock = repo.lockForBuild("hello")) {
            assertTrue(Files.exists(lockFile("hello")));
        }
    }

    @Test
    void aSecondTryInThisProcess_isRefused_andTheFirstLockStillHoldsForOtherProcesses() throws Exception {
        ImageRepository repo = new ImageRepository(dir);
        try (BuildLock lock = repo.lockForBuild("hello")) {
            assertThrows(JcapException.class, () -> repo.lockForBuild("hello"));

            assertEquals("busy: image 'hello' is being built or pulled by another jcap (process " + ProcessHandle.current().pid()
                    + "): wait for it to end, or use another name (--name)", tryFromAnotherProcess("hello"));
        }
        assertEquals("locked", tryFromAnotherProcess("hello"));
    }

    @Test
    void theFileOfAKilledBuild_isRemovedByTheNextCommit_butOneABuildHoldsStays() throws Exception {
        ImageRepository repo = new ImageRepository(dir);
        try (Holder killed = Holder.start(dir, "gone", "hold"); Holder building = Holder.start(dir, "web", "hold")) {
            assertEquals("locked", killed.line());
            assertEquals("locked", building.line());
            killed.kill();
            assertTrue(Files.exists(lockFile("gone")), "a killed build cannot delete its file");

            store(repo, "hello");

            assertFalse(Files.exists(lockFile("gone")), "the commit removes the file no build holds");
            assertTrue(Files.exists(lockFile("web")), "a running build keeps its file");
            assertEquals("busy: image 'web' is being built or pulled by another jcap (process " + building.process().pid()
                    + "): wait for it to end, or use another name (--name)", tryFromAnotherProcess("web"));
            building.release();
            assertEquals("released", building.line());
            assertFalse(Files.exists(lockFile("web")));
        }
    }

    @Test
    void rmi_removesTheImagesLeftLockFile_butNotOneABuildHolds() throws Exception {
        ImageRepository repo = new ImageRepository(dir);
        store(repo, "hello");
        store(repo, "web");
        try (Holder killed = Holder.start(dir, "hello", "hold"); Holder building = Holder.start(dir, "web", "hold")) {
            assertEquals("locked", killed.line());
            assertEquals("locked", building.line());
            killed.kill();

            assertTrue(repo.remove("hello"));
            assertTrue(repo.remove("web"));

            assertFalse(Files.exists(lockFile("hello")));
            assertTrue(Files.exists(lockFile("web")), "the build of 'web' still holds its lock");
            building.release();
            assertEquals("released", building.line());
        }
        try (var files = Files.list(dir)) {
            assertEquals(java.util.List.of(".lock"), files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void theRepositorysLock_takenByTwoThreads_isTakenInTurn() throws Exception {
        ImageRepository repo = new ImageRepository(dir);
        java.util.concurrent.atomic.AtomicReference<Exception> failure = new java.util.concurrent.atomic.AtomicReference<>();
        Thread commit = new Thread(() -> {
            try {
                store(repo, "hello");
            } catch (Exception e) {
                failure.set(e);
            }
        });
        try (FolderLock held = repo.lock()) {
            commit.start();
            // Before, the commit's channel.lock() failed with OverlappingFileLockException.
            assertTrue(ThreadWaits.waitsForALock(commit, java.time.Duration.ofSeconds(30)),
                    "the commit waits while another thread holds the lock: " + failure.get());
        }
        commit.join(30_000);
        assertEquals(null, failure.get());
        assertTrue(repo.find("hello").isPresent());
    }
}
