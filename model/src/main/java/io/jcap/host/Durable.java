package io.jcap.host;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * Flushes to the disk what a store is about to rename into place, so that a power cut or a
 * kernel crash after the rename finds the new files whole, not empty: the rename of a folder is
 * durable only once its parent folder is flushed, and its files' contents only once each file is.
 * Stores write in a staging folder, call {@link #syncTree} on it, rename it into place and call
 * {@link #syncFolder} on the parent.
 *
 * <pre>{@code
 * Durable.syncTree(staging);                // every file and folder under staging, then staging
 * Files.move(staging, target, ATOMIC_MOVE);
 * Durable.syncFolder(target.getParent());   // the rename itself
 * }</pre>
 */
public final class Durable {
    private Durable() {
    }

    /** Flushes one regular file's data and metadata. */
    public static void syncFile(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            channel.force(true);
        }
    }

    /** Flushes a folder's entries (the names created, removed or renamed in it). */
    public static void syncFolder(Path folder) throws IOException {
        // Linux lets a folder be opened read-only and fsync'ed; FileChannel opens it with O_RDONLY.
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** Flushes every regular file and folder under {@code root}, deepest first, then {@code root}. */
    public static void syncTree(Path root) throws IOException {
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(root)) {
            paths = walk.toList();
        }
        for (int i = paths.size() - 1; i >= 0; i--) {
            Path p = paths.get(i);
            if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                syncFile(p);
            } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                syncFolder(p);
            }
        }
    }

    /**
     * Writes {@code bytes} to {@code target} through a temporary file beside it, flushed and then
     * renamed over the target: a reader sees the old content or the new, never a part.
     */
    public static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        Path temp = TempNames.newFile(parent, "." + target.getFileName() + "-", ".tmp");
        try {
            Files.write(temp, bytes);
            syncFile(temp);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            syncFolder(parent);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
