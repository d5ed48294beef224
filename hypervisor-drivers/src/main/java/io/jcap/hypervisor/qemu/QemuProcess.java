package io.jcap.hypervisor.qemu;

import io.jcap.hypervisor.ConsoleLog;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One launched qemu-system-x86_64 process: its serial console (stdout) and stderr read line by
 * line on daemon threads, and the bounded ways to end it.
 */
final class QemuProcess {
    static final Duration KILL_WAIT = Duration.ofSeconds(5);

    private final Process process;
    private final ConsoleLog console;
    private final ConsoleLog errors;
    private final List<Thread> readers;

    private QemuProcess(Process process, ConsoleLog console, ConsoleLog errors, List<Thread> readers) {
        this.process = process;
        this.console = console;
        this.errors = errors;
        this.readers = readers;
    }

    /**
     * Starts {@code command} in {@code workDir} (this user's alone) with stdin at /dev/null, so
     * that nothing ever types into the console, or with {@code input} a pipe that {@link #input()}
     * writes to (the console is QEMU's stdio). The process dies with this JVM ({@link ExitWithParent}).
     */
    static QemuProcess launch(List<String> command, Path workDir, int consoleLines, Consumer<String> listener,
            boolean input) throws IOException {
        Process process = ExitWithParent.start(new ProcessBuilder(command).directory(workDir.toFile())
                .redirectInput(input ? ProcessBuilder.Redirect.PIPE : ProcessBuilder.Redirect.from(new File("/dev/null"))),
                workDir);
        ConsoleLog console = new ConsoleLog(consoleLines);
        ConsoleLog errors = new ConsoleLog(consoleLines);
        long pid = process.pid();
        List<Thread> readers = List.of(
                LinePump.start(process.getInputStream(), console, listener, "jcap-qemu-console-" + pid),
                LinePump.start(process.getErrorStream(), errors, line -> { }, "jcap-qemu-stderr-" + pid));
        return new QemuProcess(process, console, errors, readers);
    }

    ConsoleLog console() {
        return console;
    }

    /** QEMU's standard input, the serial console's input when launched with one. */
    java.io.OutputStream input() {
        return process.getOutputStream();
    }

    List<String> stderrTail() {
        return errors.tail();
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Whether the process ended within {@code timeout}; its output is then read to the end. */
    boolean waitFor(Duration timeout) throws InterruptedException {
        if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            joinReaders();
            return true;
        }
        return false;
    }

    /** The exit code if the process ends within {@link #KILL_WAIT}, else empty. */
    OptionalInt exitCode() {
        try {
            return waitFor(KILL_WAIT) ? OptionalInt.of(process.exitValue()) : OptionalInt.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalInt.empty();
        }
    }

    /** ": <last stderr line>" after a failure exit (and jcap's hint for a guest of memoryMiB), for a message; empty otherwise. */
    String stderrHint(OptionalInt code, int memoryMiB) {
        List<String> lines = errors.tail();
        if (code.orElse(0) == 0 || lines.isEmpty()) {
            return "";
        }
        String last = lines.get(lines.size() - 1);
        return ": " + last + StartFailureHint.of(last, memoryMiB);
    }

    /** SIGTERM, then SIGKILL, each with a bound. */
    void kill() {
        try {
            process.destroy();
            if (!process.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Waits (bounded) until both readers reached the end of their stream. */
    void joinReaders() {
        try {
            for (Thread reader : readers) {
                reader.join(KILL_WAIT.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
