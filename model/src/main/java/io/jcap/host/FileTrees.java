package io.jcap.host;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Deletes file trees: the one recursive delete of jcap. Symbolic links are deleted, never
 * followed, so a link in a work folder cannot make jcap delete what it points to.
 *
 * <pre>{@code
 * FileTrees.delete(staging);          // throws when something cannot be deleted
 * FileTrees.deleteQuietly(work);      // best effort, for clean-up paths
 * }</pre>
 */
public final class FileTrees {
    private FileTrees() {
    }

    /**
     * Makes {@code target} a hard link to {@code source} where one file system holds both (no
     * bytes copied), else a copy. For files that are replaced by renaming, never written in place.
     */
    public static void linkOrCopy(Path source, Path target) throws IOException {
        try {
            Files.createLink(target, source);
        } catch (FileSystemException | UnsupportedOperationException e) {
            Files.copy(source, target);
        }
    }

    /**
     * Deletes a file, a link or a folder with everything in it; nothing when it does not exist. What
     * disappears meanwhile (another deleter of the same tree) is taken as deleted.
     */
    public static void delete(Path root) throws IOException {
        if (root == null || !Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                // Gone since its folder was listed (deleted by someone else): what was wanted.
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * {@link #delete} on a clean-up path: what cannot be deleted is left (and found by the next
     * clean-up). True when nothing is left at {@code root}.
     */
    public static boolean deleteQuietly(Path root) {
        try {
            delete(root);
            return true;
        } catch (IOException ignored) {
            // best effort: leftovers are swept by the owner's next clean-up
            return root == null || !Files.exists(root, LinkOption.NOFOLLOW_LINKS);
        }
    }
}
