package io.jcap.hypervisor.qemu;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Starts a process that dies with this JVM, however the JVM ends (SIGKILL and the OOM killer
 * included, which run no shutdown hook): jcap's foreground QEMUs (builder VMs, the accelerator
 * probe, foreground runs). Detached instances must outlive jcap and never come here.
 *
 * <p>The process runs through {@code jcap-exit-with-parent} (C, shipped in this jar), which sets
 * the parent-death signal to SIGKILL and then execs the program, so the pid, the streams and the
 * exit status are the program's own. The kernel sends that signal when the <em>thread</em> that
 * forked the process ends, not the whole parent: a process forked from a thread that finishes
 * early (a pool worker, a test's thread) would be killed under a live JVM. So every such process
 * is forked from one daemon thread that lives as long as the JVM.
 *
 * <pre>{@code
 * Process qemu = ExitWithParent.start(new ProcessBuilder(command).directory(work), work);
 * }</pre>
 */
final class ExitWithParent {
    static final String LAUNCHER = "jcap-exit-with-parent";
    /** How long {@link #forkOnceWritten} tries again while the launcher is busy, and the pause between tries. */
    private static final Duration TEXT_BUSY_WAIT = Duration.ofSeconds(5);
    private static final Duration TEXT_BUSY_PAUSE = Duration.ofMillis(20);
    private static final ExecutorService FORKER = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "jcap-process-forker");
        thread.setDaemon(true);
        return thread;
    });

    private ExitWithParent() {
    }

    /**
     * Starts {@code builder}'s command through the launcher, written (owner-only) into
     * {@code privateFolder} unless already there.
     */
    static Process start(ProcessBuilder builder, Path privateFolder) throws IOException {
        Path launcher = install(privateFolder);
        List<String> command = new ArrayList<>();
        command.add(launcher.toString());
        command.add(Long.toString(ProcessHandle.current().pid()));
        command.addAll(builder.command());
        ProcessBuilder guarded = new ProcessBuilder(command).directory(builder.directory())
                .redirectInput(builder.redirectInput()).redirectOutput(builder.redirectOutput())
                .redirectError(builder.redirectError()).redirectErrorStream(builder.redirectErrorStream());
        guarded.environment().clear();
        guarded.environment().putAll(builder.environment());
        try {
            return forkOnceWritten(guarded);
        } catch (IOException e) {
            if (String.valueOf(e.getMessage()).contains("error=13")) {
                // EACCES on a program jcap just wrote owner-only: its temp folder's file system
                // forbids programs (a /tmp mounted noexec is common on hardened machines).
                throw new IOException("cannot run " + launcher + " (" + e.getMessage() + "): the file system of "
                        + privateFolder + " may be mounted noexec; set TMPDIR to a folder on a file system that"
                        + " allows programs", e);
            }
            throw e;
        }
    }

    /** The launcher in {@code folder}, written there on first use; the folder must be this user's alone. */
    static Path install(Path folder) throws IOException {
        Path launcher = folder.resolve(LAUNCHER);
        if (Files.isRegularFile(launcher, LinkOption.NOFOLLOW_LINKS)) {
            return launcher;
        }
        try (InputStream in = ExitWithParent.class.getResourceAsStream(LAUNCHER)) {
            if (in == null) {
                throw new IOException(LAUNCHER + " is missing from jcap's jar: rebuild jcap (bash scripts/build.sh)");
            }
            byte[] bytes = in.readAllBytes();
            Files.write(Files.createFile(launcher,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))),
                    bytes, StandardOpenOption.WRITE);
        }
        return launcher;
    }

    /**
     * Forks {@code builder}, trying again for a moment while the kernel says the launcher is being
     * written (ETXTBSY, error=26): a process another thread forks while the launcher is written
     * holds its descriptor open for writing until that process execs, and an exec of a file open
     * for writing fails. Met once in a CI run, with builds forking their digest tools beside it.
     */
    private static Process forkOnceWritten(ProcessBuilder builder) throws IOException {
        long deadline = System.nanoTime() + TEXT_BUSY_WAIT.toNanos();
        while (true) {
            try {
                return fork(builder);
            } catch (IOException e) {
                if (!String.valueOf(e.getMessage()).contains("error=26") || System.nanoTime() > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(TEXT_BUSY_PAUSE.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static Process fork(ProcessBuilder builder) throws IOException {
        Future<Process> started = FORKER.submit(builder::start);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return started.get();
                } catch (InterruptedException e) {
                    // A fork takes milliseconds; waiting for it keeps the process from being lost
                    // (started but never stopped). The interrupt is passed on below.
                    interrupted = true;
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof IOException io) {
                        throw io;
                    }
                    if (cause instanceof RuntimeException runtime) {
                        throw runtime;
                    }
                    if (cause instanceof Error error) {
                        throw error;
                    }
                    throw new IOException(cause);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
