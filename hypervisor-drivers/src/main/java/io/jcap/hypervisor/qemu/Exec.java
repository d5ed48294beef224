package io.jcap.hypervisor.qemu;

import io.jcap.hypervisor.Durations;
import io.jcap.model.EnvironmentException;
import io.jcap.model.JcapException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a short-lived tool (qemu-img, qemu --version) with a bound and captures its output. */
final class Exec {
    record Result(int exitCode, String stdout, String stderr) {
    }

    private Exec() {
    }

    static Result run(List<String> command, Duration timeout) throws JcapException {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw new EnvironmentException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread outReader = drain(process.getInputStream(), out, "jcap-exec-stdout");
        Thread errReader = drain(process.getErrorStream(), err, "jcap-exec-stderr");
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                throw new JcapException(String.join(" ", command.subList(0, Math.min(2, command.size())))
                        + " did not finish within " + Durations.human(timeout) + "; it was stopped");
            }
            outReader.join(5000);
            errReader.join(5000);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new JcapException("interrupted while running " + command.get(0), e);
        }
        return new Result(process.exitValue(), text(out), text(err));
    }

    private static String text(ByteArrayOutputStream sink) {
        synchronized (sink) {
            return sink.toString(StandardCharsets.UTF_8);
        }
    }

    private static Thread drain(InputStream in, ByteArrayOutputStream sink, String name) {
        Thread thread = new Thread(() -> {
            try (in) {
                byte[] buffer = new byte[8192];
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    synchronized (sink) {
                        sink.write(buffer, 0, n);
                    }
                }
            } catch (IOException e) {
                // The process went away; what was read so far is all there is.
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
