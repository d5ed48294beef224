package io.jcap.builder.repository;

import io.jcap.host.FolderLock;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One build of an image at a time: a lock on {@code images/.build-NAME.lock}, held by the build's
 * process from before its builder VM starts until its image is stored (and by a pull while it
 * stores what it pulled under that name), with that process's ID in
 * the file so that a second build can say who holds it. The kernel drops the lock when the
 * process ends, however it ends.
 *
 * <p>The file goes when its build ends and when {@code jcap rmi} removes the image, so that names
 * once built leave nothing behind; a file a killed build left is removed by the next build of
 * the name or the next commit of any image. Deleting a lock file is safe because every open,
 * lock and delete of one happens under the repository's own lock ({@code .lock}): a build that
 * waits cannot open a file that is about to vanish and then hold the lock of a file nobody else
 * finds, beside the next build's new one.
 *
 * <p>Within one process the names being built are also kept in a set: the kernel's record locks
 * belong to the process, so a second channel on a held file would be refused nothing, and
 * closing it would drop the first channel's lock.
 *
 * <pre>{@code
 * try (BuildLock lock = repository.lockForBuild("hello")) {
 *     ... build and commit "hello" ...
 * }
 * }</pre>
 */
public final class BuildLock implements AutoCloseable {
    static final String GLOB = ".build-*.lock";
    private static final String PREFIX = ".build-";
    private static final String SUFFIX = ".lock";
    /** The lock files this JVM holds, by absolute path. */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final ImageRepository repository;
    private final Path file;
    /** The channel holding the lock: closing it lets the lock go. */
    private final FileChannel channel;

    private BuildLock(ImageRepository repository, Path file, FileChannel channel) {
        this.repository = repository;
        this.file = file;
        this.channel = channel;
    }

    static BuildLock take(ImageRepository repository, Path dir, String name) throws JcapException {
        Path file = file(dir, name);
        try (FolderLock guard = repository.lock()) {
            if (!HELD.add(key(file))) {
                throw busy(name, ProcessHandle.current().pid() + ", this one");
            }
            FileChannel channel = null;
            BuildLock taken = null;
            try {
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
                if (channel.tryLock() == null) {
                    throw busy(name, holder(channel));
                }
                channel.truncate(0);
                channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
                taken = new BuildLock(repository, file, channel);
                return taken;
            } finally {
                if (taken == null) {
                    HELD.remove(key(file));
                    if (channel != null) {
                        closeQuietly(channel);
                    }
                }
            }
        } catch (IOException e) {
            throw new JcapException("cannot lock " + file + " for the build of image '" + name + "': " + io.jcap.model.FailureReason.withFile(e), e);
        }
    }

    /**
     * Deletes image {@code name}'s lock file unless a build holds it; the caller holds the
     * repository's lock. True when there is no such file (any more).
     */
    static boolean removeIfFree(Path dir, String name) {
        return removeIfFree(file(dir, name));
    }

    /** The same for a lock file ({@link #GLOB}) a listing of the repository found. */
    static boolean removeIfFree(Path file) {
        if (HELD.contains(key(file))) {
            return false;
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return true;
        } catch (IOException e) {
            return false;   // not a plain file of ours (a link, a folder): left alone, as before
        }
        try {
            if (channel.tryLock() == null) {
                return false;
            }
            Files.delete(file);
            return true;
        } catch (IOException e) {
            return false;
        } finally {
            closeQuietly(channel);
        }
    }

    static Path file(Path dir, String name) {
        return dir.resolve(PREFIX + name + SUFFIX);
    }

    private static Path key(Path file) {
        return file.toAbsolutePath().normalize();
    }

    private static JcapException busy(String name, String holder) {
        return new JcapException("image '" + name + "' is being built or pulled by another jcap (process " + holder
                + "): wait for it to end, or use another name (--name)");
    }

    private static String holder(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(32);
        channel.read(buffer, 0);
        String pid = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).strip();
        return pid.matches("\\d+") ? pid : "unknown";
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // the lock goes with the channel, whatever close reports
        }
    }

    /** Deletes the lock file (under the repository's lock), then gives the lock back by closing its channel. */
    @Override
    public void close() {
        try (FolderLock guard = repository.lock()) {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // the file stays, as lock files did before: the next build of the name takes it over
        } finally {
            closeQuietly(channel);
            HELD.remove(key(file));
        }
    }
}
