package io.jcap.host;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/**
 * The operating system's reason for a failed file operation, in words: Java's
 * {@link NoSuchFileException} and {@link AccessDeniedException} carry only the path as their
 * message, which says nothing to a user when the path is already named.
 *
 * <pre>{@code
 * catch (IOException e) {
 *     throw new JcapException("could not read " + file + ": " + IoReasons.of(e), e);   // ...: permission denied
 * }
 * }</pre>
 */
public final class IoReasons {
    private IoReasons() {
    }

    /** The reason alone ({@code no such file or directory}, {@code permission denied}, the system's words). */
    public static String of(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return String.valueOf(e.getMessage());
    }
}
