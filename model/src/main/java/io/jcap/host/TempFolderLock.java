package io.jcap.host;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A temporary folder {@code NAME} and its lock file {@code NAME.jcap-lock} beside it, locked
 * ({@code fcntl}) by the process that uses the folder. The kernel drops the lock when that
 * process ends, SIGKILL included, so a lock that can be taken marks a folder nobody uses.
 *
 * <p>The lock file is made and locked before the folder exists, so a folder with a lock file
 * is never unprotected. A sweeper that takes a fresh lock file in the instant before its maker
 * does finds no folder beside it and leaves it (a lone lock file is removed only once it is a
 * minute old); its maker then fails to lock it and picks another name.
 *
 * <p>Within one JVM, {@code fcntl} locks belong to the process: a second channel on a locked
 * file locks nothing more, and closing it drops the first channel's lock. So this JVM's lock
 * files are kept in a set, and making one (from its creation until it is locked and in the set)
 * and a sweep's look at one (the set, then the lock) happen one at a time ({@link #IN_PROCESS});
 * a sweep never opens a lock file of this JVM, even one whose folder a thread is still making.
 *
 * <p>The lock file's name comes from {@link TempNames}, as {@code mkstemp(3)} makes one.
 */
final class TempFolderLock {
    static final String SUFFIX = ".jcap-lock";
    /** The suffix a folder is renamed with while it is deleted ({@link #aside}). */
    static final String DELETING_SUFFIX = ".jcap-deleting";
    /** How old a lock file without its folder must be before a sweep removes it. */
    static final Duration LONE_LOCK_AGE = Duration.ofMinutes(1);
    private static final int ATTEMPTS = 16;
    /** Makers and sweepers of this JVM, one at a time: held for milliseconds, never while deleting. */
    private static final Object IN_PROCESS = new Object();
    /** The lock files this JVM holds. */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path folder;
    private final Path lockFile;
    private final FileChannel channel;

    private TempFolderLock(Path folder, Path lockFile, FileChannel channel) {
        this.folder = folder;
        this.lockFile = lockFile;
        this.channel = channel;
    }

    Path folder() {
        return folder;
    }

    /** The area itself, made owner-only when it is new. */
    static void createArea(Path area) throws IOException {
        if (!Files.isDirectory(area)) {
            Files.createDirectories(area, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
    }

    static TempFolderLock create(Path area, String prefix) throws IOException {
        return create(area, prefix, TempNames.NUMBERS);
    }

    /** As {@link #create(Path, String)}, the names' numbers drawn from {@code numbers}. */
    static TempFolderLock create(Path area, String prefix, LongSupplier numbers) throws IOException {
        synchronized (IN_PROCESS) {
            return createLocked(area, prefix, numbers);
        }
    }

    private static TempFolderLock createLocked(Path area, String prefix, LongSupplier numbers) throws IOException {
        for (int attempt = 1; ; attempt++) {
            Path lockFile = TempNames.newFile(area, prefix, SUFFIX, numbers);
            FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
            boolean keep = false;
            try {
                FileLock lock = channel.tryLock();
                if (lock != null) {
                    String name = lockFile.getFileName().toString();
                    Path folder = area.resolve(name.substring(0, name.length() - SUFFIX.length()));
                    Files.createDirectory(folder,
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                    keep = true;
                    HELD.add(lockFile);
                    return new TempFolderLock(folder, lockFile, channel);
                }
            } catch (FileAlreadyExistsException e) {
                if (attempt == ATTEMPTS) {
                    throw e;
                }
            } finally {
                if (!keep) {
                    channel.close();
                    Files.deleteIfExists(lockFile);
                }
            }
            if (attempt == ATTEMPTS) {
                throw new IOException("cannot lock a new temporary folder in " + area);
            }
        }
    }

    /** Deletes the lock file and lets the lock go (the folder is gone or moved away). */
    void release() {
        try {
            Files.deleteIfExists(lockFile);
        } catch (IOException e) {
            // a lone lock file is swept later
        }
        releaseKeepingFile();
    }

    /**
     * Lets the lock go and keeps the lock file: for a folder that could not be deleted whole, which
     * the next {@link #sweep} of the area then removes (a folder without its lock file is never swept).
     */
    void releaseKeepingFile() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing releases the lock even when it reports a failure
        }
        HELD.remove(lockFile);
    }

    /** Removes the folders of {@code area} whose lock is free; this JVM's own are never touched. */
    static List<Path> sweep(Path area) {
        List<Path> removed = new ArrayList<>();
        try (DirectoryStream<Path> locks = Files.newDirectoryStream(area, "*" + SUFFIX)) {
            for (Path lockFile : locks) {
                String name = lockFile.getFileName().toString();
                Path folder = area.resolve(name.substring(0, name.length() - SUFFIX.length()));
                if (!Files.isRegularFile(lockFile, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                if (sweepOne(folder, lockFile)) {
                    removed.add(folder);
                }
            }
        } catch (IOException e) {
            // An area that cannot be listed is left alone: sweeping is a courtesy, not the work.
        }
        return removed;
    }

    /**
     * The lock of another process's lock file, now free, or null: held by a live process, this
     * JVM's own, or gone. Opening and closing a file this JVM has locked would drop its lock, so
     * the set is read and the file opened as one step against this JVM's makers.
     */
    private static FileChannel lockIfFree(Path lockFile) throws IOException {
        synchronized (IN_PROCESS) {
            if (HELD.contains(lockFile)) {
                return null;
            }
            FileChannel channel;
            try {
                channel = FileChannel.open(lockFile, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                return null;
            }
            try {
                if (channel.tryLock() != null) {
                    FileChannel locked = channel;
                    channel = null;
                    return locked;
                }
                return null;
            } catch (OverlappingFileLockException e) {
                // Not in the set yet locked here: cannot happen while makers hold IN_PROCESS. Left
                // open, as closing it would drop that lock.
                channel = null;
                return null;
            } finally {
                if (channel != null) {
                    channel.close();
                }
            }
        }
    }

    private static boolean sweepOne(Path folder, Path lockFile) {
        FileChannel channel;
        try {
            channel = lockIfFree(lockFile);
        } catch (IOException e) {
            return false;
        }
        if (channel == null) {
            return false;
        }
        try (channel) {
            Path aside = aside(folder);
            boolean hasOwn = Files.exists(folder, LinkOption.NOFOLLOW_LINKS);
            boolean hasAside = Files.exists(aside, LinkOption.NOFOLLOW_LINKS);
            boolean hasFolder = hasOwn || hasAside;
            if (!hasFolder && !olderThan(lockFile, LONE_LOCK_AGE)) {
                return false;
            }
            if (hasAside) {
                FileTrees.delete(aside);
            }
            if (hasOwn) {
                FileTrees.delete(folder);
            }
            Files.deleteIfExists(lockFile);
            return hasFolder;
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Where {@code folder} is moved while it is deleted, out of the way of threads still making
     * files in it by their paths; a JVM killed meanwhile leaves it there for the sweep.
     */
    static Path aside(Path folder) {
        return folder.resolveSibling(folder.getFileName() + DELETING_SUFFIX);
    }

    private static boolean olderThan(Path file, Duration age) throws IOException {
        FileTime modified = Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS);
        return modified.toInstant().isBefore(Instant.now().minus(age));
    }
}
