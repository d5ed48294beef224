package io.jcap.cli;

import io.jcap.host.Cleanup;
import io.jcap.model.JcapException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Questions asked on the terminal of standard input when {@code System.console()} has none because
 * standard output is redirected ({@code jcap login HOST -u USER > log}), as {@code docker login}
 * asks: the prompt on standard error, the answer read from standard input, a secret one with the
 * terminal's echo off ({@code stty -echo}, the terminal's settings restored afterwards, and by
 * the shutdown hook after a Ctrl-C).
 */
final class TerminalPrompt {
    private static final long STTY_SECONDS = 10;

    private final PrintWriter err;
    private final BufferedReader in;

    TerminalPrompt(PrintWriter err, InputStream in) {
        this.err = err;
        this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    /** Whether standard input is a terminal, whatever standard output is. */
    static boolean stdinIsTerminal() {
        return Terminal.isTerminal(Path.of("/proc/self/fd/0"));
    }

    /** A line typed after {@code prompt}; null at the end of input. */
    String line(String prompt) throws JcapException {
        err.print(prompt);
        err.flush();
        return read();
    }

    /** The same without echoing what is typed. */
    String secret(String prompt) throws JcapException {
        String saved = stty("-g").strip();
        try (Cleanup.Registration r = Cleanup.register("restore the terminal's settings", () -> restore(saved))) {
            stty("-echo");
            try {
                return line(prompt);
            } finally {
                restore(saved);
                // The newline the user typed was not echoed either.
                err.println();
                err.flush();
            }
        }
    }

    private String read() throws JcapException {
        try {
            return in.readLine();
        } catch (IOException e) {
            throw new JcapException("cannot read the terminal: " + e.getMessage(), e);
        }
    }

    private static void restore(String saved) {
        try {
            stty(saved);
        } catch (JcapException e) {
            // The terminal is gone or stty failed: nothing more to restore.
        }
    }

    /** Runs {@code stty ARGS} on standard input's terminal; its output. */
    private static String stty(String args) throws JcapException {
        List<String> command = new ArrayList<>(List.of("stty"));
        command.addAll(List.of(args.split(" ")));
        try {
            Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.INHERIT)
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(STTY_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new JcapException("stty " + args + " did not finish in " + STTY_SECONDS + " s");
            }
            if (p.exitValue() != 0) {
                throw new JcapException("stty " + args + " failed: " + out.strip());
            }
            return out;
        } catch (IOException e) {
            throw new JcapException("cannot run stty to hide the password: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JcapException("interrupted while setting the terminal", e);
        }
    }
}
