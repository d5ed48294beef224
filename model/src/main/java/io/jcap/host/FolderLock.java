package io.jcap.host;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A folder's lock: between processes a lock ({@code fcntl}) on its {@code .lock} file, shared for
 * readers and exclusive for writers, and between the threads of this JVM a plain lock, taken
 * first. The kernel's record locks belong to the process: a second channel on a locked file
 * locks nothing more (Java refuses it), and closing it would drop the first channel's lock for
 * every other process. The kernel store, the image repository and the instance store use it.
 *
 * <pre>{@code
 * try (FolderLock lock = FolderLock.acquire(store, true)) {
 *     ... write into store ...
 * }
 * }</pre>
 */
public final class FolderLock implements AutoCloseable {
    /** The lock file in each locked folder. */
    public static final String FILE_NAME = ".lock";
    private static final Map<Path, ReentrantLock> THREAD_LOCKS = new ConcurrentHashMap<>();

    private final ReentrantLock threadLock;
    private final FileChannel channel;
    private final FileLock fileLock;

    private FolderLock(ReentrantLock threadLock, FileChannel channel, FileLock fileLock) {
        this.threadLock = threadLock;
        this.channel = channel;
        this.fileLock = fileLock;
    }

    /**
     * Locks {@code folder}, waiting for other threads and processes; an exclusive lock creates the
     * folder first. A shared lock of a folder that does not exist holds off this JVM's writers
     * only: there is nothing to read yet; nor does one of a folder this user cannot write and that
     * has no lock file (a listing of a read-only home works, as {@code jcap images} always did).
     */
    public static FolderLock acquire(Path folder, boolean exclusive) throws IOException {
        if (exclusive) {
            Files.createDirectories(folder);
        }
        // By the folder's real path: the JVM allows one lock of a file at a time, whatever path
        // reached it, and throws (OverlappingFileLockException) rather than wait for a second.
        // Two homes whose kernels folder links to one store (the test homes) reach one lock file.
        ReentrantLock threadLock = THREAD_LOCKS.computeIfAbsent(lockKey(folder), k -> new ReentrantLock());
        threadLock.lock();
        FileChannel channel = null;
        try {
            if (!exclusive && !Files.isDirectory(folder)) {
                return new FolderLock(threadLock, null, null);
            }
            try {
                channel = FileChannel.open(folder.resolve(FILE_NAME), StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            } catch (FileSystemException e) {
                if (exclusive || !cannotWrite(e)) {
                    throw e;
                }
                // A reader of a folder this user cannot write (a read-only home): the lock file as
                // it is, or none when there is none, since nobody wrote one there.
                if (!Files.isRegularFile(folder.resolve(FILE_NAME), LinkOption.NOFOLLOW_LINKS)) {
                    return new FolderLock(threadLock, null, null);
                }
                channel = FileChannel.open(folder.resolve(FILE_NAME), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
            }
            return new FolderLock(threadLock, channel, channel.lock(0, Long.MAX_VALUE, !exclusive));
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException closing) {
                    e.addSuppressed(closing);
                }
            }
            threadLock.unlock();
            throw e;
        }
    }

    /** The folder's real path when it exists, else its absolute path. */
    private static Path lockKey(Path folder) {
        try {
            return folder.toRealPath();
        } catch (IOException e) {
            return folder.toAbsolutePath().normalize();
        }
    }

    /** A file the user may not make or open for writing there: permissions, a read-only or immutable folder. */
    private static boolean cannotWrite(FileSystemException e) {
        return e instanceof java.nio.file.AccessDeniedException || "Read-only file system".equals(e.getReason())
                || "Operation not permitted".equals(e.getReason());
    }

    /** Whether the lock is still held (false once closed, or for a shared lock of a missing folder). */
    public boolean isValid() {
        return fileLock != null && fileLock.isValid();
    }

    /** Lets the lock go. Closing the channel releases the file lock whatever a failing release or close reports. */
    @Override
    public void close() {
        try {
            if (channel != null) {
                try (channel) {
                    fileLock.release();
                }
            }
        } catch (IOException e) {
            // the kernel drops the lock with the channel's file descriptor all the same
        } finally {
            threadLock.unlock();
        }
    }
}
