package io.jcap.host;

import io.jcap.model.EnvironmentException;
import io.jcap.model.JcapException;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs a host program (apt-get, qemu-img, debugfs, sha256sum, a package file's build command) to
 * its end within a bound, stdin closed, in the C locale (so that its messages can be matched),
 * capturing what it prints or passing it on line by line. The one way jcap runs host tools;
 * QEMU guests, which outlive a call, belong to the hypervisor drivers. A program still running when
 * jcap is stopped (Ctrl-C, a signal) is stopped by jcap's shutdown hook ({@link Cleanup}), with
 * whatever it started (a build's compilers), before the hook deletes the folders it works in.
 *
 * <pre>{@code
 * HostTool.Result r = HostTool.run(List.of("qemu-img", "info", disk.toString()), Duration.ofSeconds(30));
 * if (r.exitCode() != 0) { ... r.lastErrorLine() ... }
 * }</pre>
 */
public final class HostTool {
    private static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin";
    /** How long a stopped program and what it started get to end after SIGTERM, before SIGKILL. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    /** What a finished program printed and how it exited. */
    public record Result(int exitCode, String stdout, String stderr) {
        /** The last non-blank line of stderr (where most tools put their error), or empty. */
        public String lastErrorLine() {
            String[] lines = stderr.strip().split("\n");
            return lines[lines.length - 1].strip();
        }
    }

    /** A program that did not finish within its bound; it was stopped. */
    public static final class TimedOut extends JcapException {
        private static final long serialVersionUID = 1L;

        TimedOut(String message) {
            super(message);
        }
    }

    private HostTool() {
    }

    /** The executable {@code name} on {@code PATH} (or {@code name} itself when it holds a slash). */
    public static Optional<Path> find(String name) {
        if (name.contains("/")) {
            Path path = Path.of(name);
            return Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
        }
        String pathVariable = System.getenv("PATH");
        for (String folder : (pathVariable == null ? DEFAULT_PATH : pathVariable).split(File.pathSeparator)) {
            if (!folder.isEmpty()) {
                Path candidate = Path.of(folder, name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    /** Runs {@code command} in jcap's own working folder; see {@link #run(List, Path, Duration)}. */
    public static Result run(List<String> command, Duration timeout) throws JcapException {
        return run(command, null, timeout);
    }

    /**
     * Runs {@code command} in {@code folder} (null: jcap's own) and waits for it.
     *
     * @throws EnvironmentException when the program cannot be started
     * @throws TimedOut when it does not finish within {@code timeout} (it is stopped)
     * @throws JcapException when the thread is interrupted (the program is stopped, the flag kept)
     */
    public static Result run(List<String> command, Path folder, Duration timeout) throws JcapException {
        return start(command, folder).await(timeout);
    }

    /** Starts {@code command} in {@code folder} (null: jcap's own), capturing its output; {@link Running#await} waits. */
    public static Running start(List<String> command, Path folder) throws EnvironmentException {
        return new Running(command, folder, null, false);
    }

    /**
     * As {@link #start(List, Path)}, with a pipe to the program's standard input ({@link Running#input()}):
     * for a tool that digests a stream jcap writes, such as {@code openssl dgst}.
     */
    public static Running startWithInput(List<String> command, Path folder) throws EnvironmentException {
        return new Running(command, folder, null, true);
    }

    /**
     * Starts {@code command} in {@code folder} with its error output merged into its output, each
     * line passed to {@code lines} as it comes (nothing is captured: the result's texts are empty),
     * in the user's own locale.
     */
    public static Running start(List<String> command, Path folder, Consumer<String> lines) throws EnvironmentException {
        return new Running(command, folder, lines, false);
    }

    /** A started program; {@link #await} collects it. */
    public static final class Running {
        private final Process process;
        /** The shutdown hook's stop of the program, forgotten once it has ended. */
        private final Cleanup.Registration stopAtShutdown;
        private final String shown;
        private final Drain stdout;
        private final Drain stderr;
        private final boolean fed;

        private Running(List<String> command, Path folder, Consumer<String> lines, boolean fed) throws EnvironmentException {
            this.fed = fed;
            ProcessBuilder builder = new ProcessBuilder(command);
            if (folder != null) {
                builder.directory(folder.toFile());
            }
            if (lines == null) {
                // Captured output is matched by jcap; streamed output is the user's, in the user's locale.
                builder.environment().put("LC_ALL", "C");
            }
            if (!fed) {
                builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            }
            builder.redirectErrorStream(lines != null);
            shown = String.join(" ", command.subList(0, Math.min(2, command.size())));
            Started started;
            try {
                // One step for the shutdown hook: a Ctrl-C between the start and the registration
                // would leave the program running.
                started = Cleanup.making(() -> {
                    Process p = builder.start();
                    return new Started(p, Cleanup.register("stop " + shown, () -> stopTree(p)));
                });
            } catch (IOException e) {
                throw new EnvironmentException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
            }
            process = started.process();
            stopAtShutdown = started.registration();
            String program = Path.of(command.get(0)).getFileName().toString();
            stdout = new Drain(process.getInputStream(), "jcap-" + program + "-stdout", lines);
            stderr = lines != null ? null : new Drain(process.getErrorStream(), "jcap-" + program + "-stderr", null);
        }

        /** The program's standard input, for one started by {@link #startWithInput}; close it to end the input. */
        public java.io.OutputStream input() {
            if (!fed) {
                throw new IllegalStateException(shown + " was started with no input");
            }
            return process.getOutputStream();
        }

        /**
         * Waits for the program to end and gives what it printed and its exit code.
         *
         * @throws TimedOut when it does not finish within {@code timeout} (it is stopped)
         * @throws JcapException when the thread is interrupted (the program is stopped, the flag kept)
         */
        public Result await(Duration timeout) throws JcapException {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    stop();
                    throw new TimedOut(shown + " did not finish within " + seconds(timeout) + " and was stopped");
                }
                stopAtShutdown.close();
                return new Result(process.exitValue(), stdout.text(), stderr == null ? "" : stderr.text());
            } catch (InterruptedException e) {
                stop();
                Thread.currentThread().interrupt();
                throw new JcapException(shown + " was interrupted", e);
            }
        }

        /** Stops the program and what it started: SIGTERM, then SIGKILL to what is left after 5 s. */
        public void stop() {
            stopTree(process);
            stopAtShutdown.close();
        }
    }

    private record Started(Process process, Cleanup.Registration registration) {
    }

    /**
     * SIGTERM to {@code process} and to every process it started (a shell does not pass the signal
     * on to its children), then SIGKILL to whatever is still alive after {@link #STOP_GRACE}. A
     * process started while the tree is being stopped (make starting another compiler, a handler
     * starting a child) is looked for at each wait and signalled too. Returns once they have ended,
     * or at once when the thread is interrupted (its flag kept).
     */
    static void stopTree(Process process) {
        Set<ProcessHandle> all = new LinkedHashSet<>();
        all.add(process.toHandle());
        all.addAll(process.descendants().toList());
        all.forEach(ProcessHandle::destroy);
        boolean waited = awaitEnd(all, STOP_GRACE, ProcessHandle::destroy);
        signalNew(all, ProcessHandle::destroyForcibly);
        all.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        if (waited) {
            awaitEnd(all, Duration.ofSeconds(1), ProcessHandle::destroyForcibly);
        }
    }

    /**
     * Adds the processes whose parent {@code all} holds and that it does not hold yet (and theirs),
     * and signals them: one look at the process table.
     */
    private static void signalNew(Set<ProcessHandle> all, Consumer<ProcessHandle> signal) {
        Map<ProcessHandle, ProcessHandle> parents = new HashMap<>();
        ProcessHandle.allProcesses().filter(p -> !all.contains(p))
                .forEach(p -> p.parent().ifPresent(parent -> parents.put(p, parent)));
        boolean added = true;
        while (added) {
            added = false;
            for (Map.Entry<ProcessHandle, ProcessHandle> e : parents.entrySet()) {
                if (!all.contains(e.getKey()) && all.contains(e.getValue())) {
                    all.add(e.getKey());
                    signal.accept(e.getKey());
                    added = true;
                }
            }
        }
    }

    /**
     * Waits until none of {@code processes} is alive, at most {@code bound}, signalling new
     * descendants with {@code signal} as they appear; false when interrupted (flag kept).
     */
    private static boolean awaitEnd(Set<ProcessHandle> processes, Duration bound, Consumer<ProcessHandle> signal) {
        long deadline = System.nanoTime() + bound.toNanos();
        try {
            while (processes.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
                Thread.sleep(20);
                signalNew(processes, signal);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** Reads a process stream to its end on a daemon thread: into memory, or line by line to a consumer. */
    private static final class Drain {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final Thread thread;

        Drain(InputStream in, String name, Consumer<String> lines) {
            thread = new Thread(() -> {
                try (in) {
                    if (lines != null) {
                        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                        for (String line; (line = reader.readLine()) != null; ) {
                            lines.accept(line);
                        }
                        return;
                    }
                    byte[] buffer = new byte[8192];
                    int n;
                    while ((n = in.read(buffer)) >= 0) {
                        synchronized (bytes) {
                            bytes.write(buffer, 0, n);
                        }
                    }
                } catch (IOException e) {
                    // The stream closes early when the process is stopped; what was read is kept.
                }
            }, name);
            thread.setDaemon(true);
            thread.start();
        }

        String text() throws InterruptedException {
            thread.join(TimeUnit.SECONDS.toMillis(10));
            synchronized (bytes) {
                return bytes.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
