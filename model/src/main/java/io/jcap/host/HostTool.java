package io.jcap.host;

import io.jcap.model.EnvironmentException;
import io.jcap.model.JcapException;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short-lived host program (apt-get, qemu-img, debugfs, {@code qemu --version}) to its end
 * within a bound, stdin closed, in the C locale (so that its messages can be matched), capturing
 * what it prints. The one way jcap runs such tools; long-lived processes (QEMU guests, the user's
 * build command) have their own owners.
 *
 * <pre>{@code
 * HostTool.Result r = HostTool.run(List.of("qemu-img", "info", disk.toString()), Duration.ofSeconds(30));
 * if (r.exitCode() != 0) { ... r.lastErrorLine() ... }
 * }</pre>
 */
public final class HostTool {
    private static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin";

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
        ProcessBuilder builder = new ProcessBuilder(command);
        if (folder != null) {
            builder.directory(folder.toFile());
        }
        builder.environment().put("LC_ALL", "C");
        builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        String shown = String.join(" ", command.subList(0, Math.min(2, command.size())));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new EnvironmentException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        }
        String program = Path.of(command.get(0)).getFileName().toString();
        Drain stdout = new Drain(process.getInputStream(), "jcap-" + program + "-stdout");
        Drain stderr = new Drain(process.getErrorStream(), "jcap-" + program + "-stderr");
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                stop(process);
                throw new TimedOut(shown + " did not finish within " + seconds(timeout) + " and was stopped");
            }
            return new Result(process.exitValue(), stdout.text(), stderr.text());
        } catch (InterruptedException e) {
            stop(process);
            Thread.currentThread().interrupt();
            throw new JcapException(shown + " was interrupted", e);
        }
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Reads a process stream to its end on a daemon thread. */
    private static final class Drain {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final Thread thread;

        Drain(InputStream in, String name) {
            thread = new Thread(() -> {
                byte[] buffer = new byte[8192];
                try (in) {
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
