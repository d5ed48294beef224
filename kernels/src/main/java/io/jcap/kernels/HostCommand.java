package io.jcap.kernels;

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

/** Runs a host program to completion with a timeout, capturing its output. */
final class HostCommand {
    /** What a finished program printed and how it exited. */
    record Result(int exitCode, String stdout, String stderr) {
        /** The last non-blank line of stderr (where apt puts its error), or empty. */
        String lastErrorLine() {
            String[] lines = stderr.strip().split("\n");
            return lines[lines.length - 1].strip();
        }
    }

    private HostCommand() {
    }

    /** The executable {@code name} on {@code PATH} (or {@code name} itself when it holds a slash). */
    static Optional<Path> find(String name) {
        if (name.contains("/")) {
            Path path = Path.of(name);
            return Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
        }
        String pathVariable = System.getenv("PATH");
        String search = pathVariable == null ? "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin" : pathVariable;
        for (String folder : search.split(File.pathSeparator)) {
            if (!folder.isEmpty()) {
                Path candidate = Path.of(folder, name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Runs {@code command} in {@code folder} with the C locale (so that messages can be matched),
     * stdin closed.
     *
     * @throws JcapException when it cannot start, does not finish in time or the thread is interrupted
     */
    static Result run(List<String> command, Path folder, Duration timeout) throws JcapException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(folder.toFile());
        builder.environment().put("LC_ALL", "C");
        builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        String shown = String.join(" ", command);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new JcapException("cannot run " + shown + ": " + e.getMessage(), e);
        }
        Drain stdout = new Drain(process.getInputStream(), "jcap-" + command.get(0) + "-stdout");
        Drain stderr = new Drain(process.getErrorStream(), "jcap-" + command.get(0) + "-stderr");
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                stop(process);
                throw new JcapException(shown + " did not finish within " + timeout.toSeconds()
                        + " s and was stopped; check the network and the apt configuration");
            }
            return new Result(process.exitValue(), stdout.text(), stderr.text());
        } catch (InterruptedException e) {
            stop(process);
            Thread.currentThread().interrupt();
            throw new JcapException(shown + " was interrupted", e);
        }
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
                try (in) {
                    in.transferTo(bytes);
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
