package io.jcap.builder.compose;

import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/** Runs a package file's {@code build} command on the host, in the project folder, without a shell. */
public final class HostBuildCommand {
    private static final int TAIL = 20;

    private HostBuildCommand() {
    }

    public static void run(List<String> argv, Path projectDir, EventSink events) throws JcapException, InterruptedException {
        String shown = String.join(" ", argv);
        events.info("Running build command: " + shown);
        Process process;
        try {
            process = new ProcessBuilder(argv).directory(projectDir.toFile()).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            throw new JcapException("build command '" + shown + "' could not start: " + e.getMessage()
                    + " (is " + argv.get(0) + " installed and on PATH?)", e);
        }
        Deque<String> tail = new ArrayDeque<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                events.debug("build: " + line);
                if (tail.size() == TAIL) {
                    tail.removeFirst();
                }
                tail.addLast(line);
            }
        } catch (IOException e) {
            process.destroyForcibly();
            throw new JcapException("could not read the output of build command '" + shown + "': " + e.getMessage(), e);
        } finally {
            if (Thread.currentThread().isInterrupted()) {
                process.destroyForcibly();
            }
        }
        int status;
        try {
            status = process.waitFor();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            throw e;
        }
        if (status != 0) {
            StringBuilder message = new StringBuilder("build command '" + shown + "' failed with exit code " + status);
            if (!tail.isEmpty()) {
                message.append("; its last output lines:");
                tail.forEach(l -> message.append("\n    ").append(l));
            }
            throw new JcapException(message.toString());
        }
    }
}
