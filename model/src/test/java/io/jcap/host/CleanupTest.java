package io.jcap.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CleanupTest {
    @Test
    void register_isActiveUntilClosed() {
        Cleanup.Registration r = Cleanup.register("nothing", () -> { });
        assertTrue(r.active());
        r.close();
        assertFalse(r.active());
        assertFalse(Cleanup.shuttingDown());
    }

    /** A JVM that registers three actions, closes one and exits: the hook runs the others, last first. */
    @Test
    void shutdown_runsWhatIsStillRegistered_lastFirst(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("log");
        childJvm(Main.class, log, 0);
        assertEquals(List.of("third", "first"), Files.readAllLines(log));
    }

    @Test
    void release_beforeTheHook_forgetsTheAction() {
        Cleanup.Registration r = Cleanup.register("nothing", () -> { });
        r.release();
        assertFalse(r.active());
    }

    /**
     * A JVM stopping (System.exit, as a signal does) while its main thread still holds a
     * registration: the hook runs the action, and the main thread's release afterwards never
     * returns, so it cannot report as made what the hook undid.
     */
    @Test
    void release_afterTheHookStarted_neverReturns(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("log");
        childJvm(Stopped.class, log, 143);
        assertEquals(List.of("hook undid it"), Files.readAllLines(log));
    }

    /** Runs {@code main} in a JVM of its own, {@code log} its argument; it must exit with {@code status}. */
    private static void childJvm(Class<?> main, Path log, int status) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), main.getName(),
                log.toString()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child JVM did not exit");
        assertEquals(status, p.exitValue(), new String(p.getInputStream().readAllBytes()));
    }

    /** The child JVM of {@link #release_afterTheHookStarted_neverReturns}. */
    public static final class Stopped {
        public static void main(String[] args) throws InterruptedException {
            File log = new File(args[0]);
            CountDownLatch hookRunning = new CountDownLatch(1);
            CountDownLatch released = new CountDownLatch(1);
            // The hook's action takes a while, as deleting a remote volume does: the main thread
            // comes to its release while the hook runs, and a release that returned says so at once.
            Cleanup.Registration r = Cleanup.register("upload", () -> {
                Main.append(log, "hook undid it");
                hookRunning.countDown();
                try {
                    released.await(1, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            new Thread(() -> System.exit(143)).start();
            if (!hookRunning.await(30, TimeUnit.SECONDS)) {
                Main.append(log, "the hook did not run");
            }
            r.release();
            released.countDown();
            Main.append(log, "reported as made");
        }
    }

    /** The child JVM of {@link #shutdown_runsWhatIsStillRegistered_lastFirst}. */
    public static final class Main {
        public static void main(String[] args) {
            File log = new File(args[0]);
            Cleanup.register("first", () -> append(log, "first"));
            Cleanup.register("second", () -> append(log, "second")).close();
            Cleanup.register("third", () -> append(log, "third"));
        }

        private static void append(File log, String line) {
            try {
                Files.writeString(log.toPath(), line + "\n", java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.APPEND);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
