package io.jcap.hypervisor.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Processes started through jcap-exit-with-parent: their own pid and status, and they die with the JVM. */
class ExitWithParentTest {
    @TempDir
    Path dir;

    @Test
    void start_givesTheProgramsOwnPidAndExitStatus() throws Exception {
        Process p = ExitWithParent.start(new ProcessBuilder("/bin/sh", "-c", "echo $$; exit 7"), dir);
        String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(7, p.exitValue());
        assertEquals(Long.toString(p.pid()), printed, "the launcher execs the program: same process");
        assertEquals("rwx------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve(ExitWithParent.LAUNCHER))));
    }

    /**
     * The launcher still open for writing elsewhere as it is run, as in a process another thread
     * forked while it was written: the kernel refuses the exec (ETXTBSY), and the start tries
     * again until the writer closed it (here after 300 ms).
     */
    @Test
    void start_launcherOpenForWritingForAMoment_startsOnceItIsClosed() throws Exception {
        Path launcher = ExitWithParent.install(dir);
        java.nio.channels.FileChannel writer = java.nio.channels.FileChannel.open(launcher,
                java.nio.file.StandardOpenOption.WRITE);
        Thread closer = new Thread(() -> {
            try {
                Thread.sleep(300);
                writer.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        closer.start();

        Process p = ExitWithParent.start(new ProcessBuilder("/bin/sh", "-c", "exit 5"), dir);

        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(5, p.exitValue());
        closer.join();
        assertFalse(writer.isOpen());
    }

    /**
     * A launcher the kernel refuses to run (EACCES, error=13), as on a /tmp mounted noexec; here
     * a launcher without execute bits, which even root cannot run, gives the same error.
     */
    @Test
    void start_launcherThatCannotBeRun_pointsAtNoexecAndTmpdir() throws Exception {
        Path launcher = Files.createFile(dir.resolve(ExitWithParent.LAUNCHER),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> ExitWithParent.start(new ProcessBuilder("true"), dir));
        assertTrue(e.getMessage().startsWith("cannot run " + launcher + " (Cannot run program \"" + launcher + "\""),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("error=13, Permission denied): the file system of " + dir
                + " may be mounted noexec; set TMPDIR to a folder on a file system that allows programs"), e.getMessage());
    }

    @Test
    void start_fromAThreadThatEnds_keepsTheProcessRunning() throws Exception {
        // The parent-death signal follows the forking thread, not the process: a process forked
        // from this short-lived thread would die with it, were it not forked from jcap's own.
        AtomicReference<Process> started = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            try {
                started.set(ExitWithParent.start(new ProcessBuilder("sleep", "60"), dir));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        thread.start();
        thread.join();
        Process sleep = started.get();
        try {
            assertFalse(sleep.waitFor(2, TimeUnit.SECONDS), "the process outlives the thread that asked for it");
        } finally {
            sleep.destroyForcibly();
        }
    }

    @Test
    void processesDieWhenTheirJvmIsKilled() throws Exception {
        Process jvm = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "-cp", System.getProperty("java.class.path"), Starter.class.getName(), dir.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        ProcessHandle sleep;
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8));
            sleep = ProcessHandle.of(Long.parseLong(out.readLine())).orElseThrow();
            assertTrue(sleep.isAlive());
            assertEquals(jvm.pid(), sleep.parent().orElseThrow().pid());
        } finally {
            jvm.destroyForcibly();   // SIGKILL: no shutdown hook runs
        }
        assertTrue(jvm.waitFor(30, TimeUnit.SECONDS));
        sleep.onExit().get(10, TimeUnit.SECONDS);
        assertFalse(sleep.isAlive());
    }

    /** A JVM that starts a guarded sleep from a thread that ends at once, prints its pid and waits. */
    public static final class Starter {
        public static void main(String[] args) throws Exception {
            AtomicReference<Process> started = new AtomicReference<>();
            Thread thread = new Thread(() -> {
                try {
                    started.set(ExitWithParent.start(new ProcessBuilder("sleep", "600"), Path.of(args[0])));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            thread.start();
            thread.join();
            System.out.println(started.get().pid());
            System.out.flush();
            Thread.sleep(TimeUnit.MINUTES.toMillis(5));
        }
    }

}
