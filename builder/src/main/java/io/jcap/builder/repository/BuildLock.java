package io.jcap.builder.repository;

import io.jcap.model.JcapException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One build of an image at a time: a lock on {@code images/.build-NAME.lock}, held by the build's
 * process from before its builder VM starts until its image is stored, with that process's ID in
 * the file so that a second build can say who holds it. The kernel drops the lock when the
 * process ends, however it ends; the file itself stays, empty of meaning.
 *
 * <pre>{@code
 * try (BuildLock lock = repository.lockForBuild("hello")) {
 *     ... build and commit "hello" ...
 * }
 * }</pre>
 */
public final class BuildLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private BuildLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static BuildLock take(Path dir, String name) throws JcapException {
        Path file = dir.resolve(".build-" + name + ".lock");
        FileChannel channel = null;
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                throw busy(name, ProcessHandle.current().pid() + ", this one");
            }
            if (lock == null) {
                throw busy(name, holder(channel));
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            BuildLock taken = new BuildLock(channel, lock);
            channel = null;
            return taken;
        } catch (IOException e) {
            throw new JcapException("cannot lock " + file + " for the build of image '" + name + "': " + e.getMessage(), e);
        } finally {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException e) {
                    // closing drops nothing of ours: no lock was taken through it
                }
            }
        }
    }

    private static JcapException busy(String name, String holder) {
        return new JcapException("image '" + name + "' is being built by another jcap (process " + holder
                + "): wait for that build to end, or build under another name with --name");
    }

    private static String holder(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(32);
        channel.read(buffer, 0);
        String pid = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).strip();
        return pid.matches("\\d+") ? pid : "unknown";
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // closing the channel below releases it all the same
        }
        try {
            channel.close();
        } catch (IOException e) {
            // the lock goes with the channel, whatever close reports
        }
    }
}
