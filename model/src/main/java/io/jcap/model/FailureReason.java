package io.jcap.model;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/**
 * The words for why a call to a service failed, for an error message: the first message along the
 * exception's causes, {@code connection refused} for a bare {@link ConnectException} (the JDK's
 * HTTP client throws one without a message when nothing listens), else the exception's simple name;
 * a host name that does not resolve says so, whatever the messages.
 *
 * <pre>{@code
 * throw new EnvironmentException("cannot reach " + what + ": " + FailureReason.of(e), e);
 * throw new JcapException("cannot write overlay " + overlay + ": " + FailureReason.ofFile(e), e);
 * }</pre>
 *
 * <p>For a file, the JDK's {@link AccessDeniedException} and {@link NoSuchFileException} carry
 * only the path as their message ({@code /p/secret}): {@link #ofFile} and {@link #withFile} say
 * why.
 */
public final class FailureReason {
    private FailureReason() {
    }

    public static String of(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            // The JDK's HTTP client: a ConnectException without a message, caused by this one.
            if (t instanceof java.nio.channels.UnresolvedAddressException || t instanceof java.net.UnknownHostException) {
                return "its host name does not resolve (unknown host)";
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && !message.isBlank() && !message.equals("null")) {
                return message;
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return "connection refused";
            }
        }
        return e.getClass().getSimpleName();
    }

    /** The operating system's reason alone ({@code permission denied}), for a message that names the file already. */
    public static String ofFile(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "file exists";
        }
        if (e instanceof java.nio.file.NotDirectoryException) {
            return "not a folder";
        }
        if (e instanceof java.nio.file.DirectoryNotEmptyException) {
            return "folder not empty";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return String.valueOf(e.getMessage());
    }

    /**
     * The file that failed and why ({@code /p/rootfs/data/closed: permission denied}), for a
     * message about something larger (a folder being walked) that names another path.
     */
    public static String withFile(IOException e) {
        if (e instanceof FileSystemException f && f.getFile() != null) {
            return f.getFile() + (f.getOtherFile() == null ? "" : " -> " + f.getOtherFile()) + ": " + ofFile(e);
        }
        return String.valueOf(e.getMessage());
    }
}
