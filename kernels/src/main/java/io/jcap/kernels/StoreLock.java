package io.jcap.kernels;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serialises access to a store folder: between processes with a lock on {@code .lock} (shared
 * for readers, exclusive for writers), between threads of this process with a plain lock, because
 * a JVM may hold only one lock on a file region.
 */
final class StoreLock implements AutoCloseable {
    static final String FILE_NAME = ".lock";
    private static final Map<Path, ReentrantLock> THREAD_LOCKS = new ConcurrentHashMap<>();

    private final ReentrantLock threadLock;
    private final FileChannel channel;
    private final FileLock fileLock;

    private StoreLock(ReentrantLock threadLock, FileChannel channel, FileLock fileLock) {
        this.threadLock = threadLock;
        this.channel = channel;
        this.fileLock = fileLock;
    }

    /** Locks {@code folder}, creating it first when the lock is exclusive. */
    static StoreLock acquire(Path folder, boolean exclusive) throws IOException {
        ReentrantLock threadLock = THREAD_LOCKS.computeIfAbsent(folder.toAbsolutePath().normalize(),
                k -> new ReentrantLock());
        threadLock.lock();
        FileChannel channel = null;
        try {
            if (exclusive) {
                Files.createDirectories(folder);
            } else if (!Files.isDirectory(folder)) {
                return new StoreLock(threadLock, null, null);
            }
            channel = FileChannel.open(folder.resolve(FILE_NAME), StandardOpenOption.CREATE,
                    StandardOpenOption.READ, StandardOpenOption.WRITE);
            return new StoreLock(threadLock, channel, channel.lock(0, Long.MAX_VALUE, !exclusive));
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                channel.close();
            }
            threadLock.unlock();
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            if (channel != null) {
                fileLock.release();
                channel.close();
            }
        } finally {
            threadLock.unlock();
        }
    }
}
