package io.jcap.capstanfile;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One thing wrong in a Capstanfile, with its place.
 *
 * <p>{@code file} is the file as the user names it (relative to the project folder when it lies
 * inside it, usually just {@code Capstanfile}); {@code line} and {@code column} start at 1, and
 * are 0 when the problem concerns the whole file; {@code key} is the YAML path of the node the
 * problem is about ({@code files./app/hello}, {@code ports[1]}, {@code runtime.java}), empty for
 * the top of the file. {@link #toString()} gives the line printed to users:
 *
 * <pre>{@code
 * Capstanfile:7:7: size: '12x' is not a size: use a whole number and a unit K, M, G or T (1K = 1024 bytes), ...
 * Capstanfile:1:1: cmdline is required (the command the image runs, e.g. cmdline: /hello)
 * }</pre>
 */
public record Problem(Path file, int line, int column, String key, String message) {
    public Problem {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(message, "message");
        if (line < 0 || column < 0) {
            throw new IllegalArgumentException("line and column start at 1 (0 for the whole file)");
        }
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(file.toString());
        if (line > 0) {
            text.append(':').append(line).append(':').append(column);
        }
        text.append(": ");
        if (!key.isEmpty()) {
            text.append(key).append(": ");
        }
        return text.append(message).toString();
    }
}
