package io.jcap.host;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Folders, files and sockets that only their owner may open ({@code 0700} folders, {@code 0600}
 * files), made where a symbolic link someone put in their place is refused, never followed: an
 * instance's folder, the files QEMU and jcap keep in it, fw_cfg settings. Each failure is an
 * {@link IOException} whose message names the path and, for a link, where it points.
 *
 * <pre>{@code
 * Path folder = OwnerOnly.createFolder(instances.resolve("web"));   // refused if "web" is a link
 * OwnerOnly.write(folder.resolve("settings"), bytes);                // rw-------, never through a link
 * }</pre>
 */
public final class OwnerOnly {
    public static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private static final FileAttribute<Set<PosixFilePermission>> FOLDER_ATTRIBUTE =
            PosixFilePermissions.asFileAttribute(FOLDER);
    private static final FileAttribute<Set<PosixFilePermission>> FILE_ATTRIBUTE =
            PosixFilePermissions.asFileAttribute(FILE);

    private OwnerOnly() {
    }

    /**
     * Makes the new folder {@code folder}, {@code 0700}; its parent must exist. Anything already
     * there, a link included, is refused (mkdir never follows a link).
     */
    public static Path createFolder(Path folder) throws IOException {
        try {
            Files.createDirectory(folder, FOLDER_ATTRIBUTE);
        } catch (FileAlreadyExistsException e) {
            refuseLink(folder);
            throw e;
        }
        // The umask may have taken bits; it can only take, so this gives nothing back that was refused.
        Files.setPosixFilePermissions(folder, FOLDER);
        return folder;
    }

    /** Writes the new file {@code file}, {@code 0600}; an existing file or a link in its place is refused. */
    public static void write(Path file, byte[] bytes) throws IOException {
        try (FileChannel out = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS), FILE_ATTRIBUTE)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
        } catch (FileAlreadyExistsException e) {
            refuseLink(file);
            throw e;
        }
    }

    /**
     * Makes {@code file} an empty {@code 0600} file if there is none, or makes the one there
     * {@code 0600}; a link in its place is refused. For files another program appends to.
     */
    public static void createFile(Path file) throws IOException {
        refuseLink(file);
        try {
            Files.createFile(file, FILE_ATTRIBUTE);
        } catch (FileAlreadyExistsException e) {
            refuseLink(file);
        }
        restrict(file);
    }

    /**
     * Makes an existing file or socket that another program created (QEMU's QMP socket, its pid
     * file) {@code 0600}, without following a link: a link in its place is refused.
     */
    public static void restrict(Path file) throws IOException {
        refuseLink(file);
        // chmod follows a link, but there is none (just checked), and a socket cannot be opened to
        // fchmod it; a link that appears in between needs a writable folder, which these files' folders
        // (owner-only, jcap's) are to nobody else.
        Files.setPosixFilePermissions(file, FILE);
    }

    /** Refuses a symbolic link at {@code path}, naming where it points; anything else passes. */
    public static void refuseLink(Path path) throws IOException {
        if (Files.isSymbolicLink(path)) {
            String target;
            try {
                target = Files.readSymbolicLink(path).toString();
            } catch (IOException e) {
                target = "somewhere jcap cannot read";
            }
            throw new FileSystemException(path.toString(), null, "a symbolic link (to " + target + ") is in its"
                    + " place; jcap does not follow links there: remove the link");
        }
    }
}
