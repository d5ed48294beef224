package io.jcap.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether jcap's standard error is a terminal, where progress bars are drawn. {@code
 * System.console()} asks about standard input and output instead: {@code jcap build 2>log} on a
 * terminal wrote carriage returns and escape codes into the log, and {@code jcap build | cat}
 * lost its bar. Linux names a process's descriptors under {@code /proc/self/fd}.
 */
final class Terminal {
    private Terminal() {
    }

    static boolean isStderr() {
        return isTerminal(Path.of("/proc/self/fd/2"));
    }

    /** Whether {@code descriptor} (a {@code /proc/PID/fd/N} link) leads to a terminal device. */
    static boolean isTerminal(Path descriptor) {
        try {
            String target = Files.readSymbolicLink(descriptor).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException e) {
            return System.console() != null;
        }
    }
}
