package io.jcap.hypervisor.libvirt;

import io.jcap.model.JcapException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * The console of a detached domain on a remote libvirt host, copied over SSH into a file of this
 * machine as far as QEMU has written it, for {@code jcap ps}, {@code logs} and {@code stop}, which
 * read the copy as they read a local domain's console. Each call copies only the bytes the copy
 * does not have yet, written at their own offsets, so two jcap commands copying at once write the
 * same bytes to the same places.
 *
 * <pre>{@code
 * try (RemoteConsole console = RemoteConsole.open(uri)) {
 *     console.copyNew(RemoteConsole.consoleOf(domainFolder), instanceFolder.resolve("console.log"));
 *     console.copyNew(RemoteConsole.qemuLogOf(domain), instanceFolder.resolve("qemu.log"));
 * }
 * }</pre>
 */
public final class RemoteConsole implements AutoCloseable {
    private static final int CHUNK = 256 * 1024;
    /** How many of the copy's last bytes must match the remote file for it to be the same file. */
    private static final int OVERLAP = 4096;
    private final SshSession ssh;

    private RemoteConsole(SshSession ssh) {
        this.ssh = ssh;
    }

    /** Logs in to {@code uri}'s host over SSH, as {@code jcap run} did to start the domain. */
    public static RemoteConsole open(LibvirtUri uri) throws JcapException {
        SshTarget target = uri.sshTarget().orElseThrow(() -> new IllegalArgumentException(uri
                + " reaches no remote host over SSH"));
        return new RemoteConsole(SshSession.open(target, LibvirtVm.DEFAULT_SSH_TIMEOUT));
    }

    /** The serial console's file of a domain whose files are in {@code folder} on its host. */
    public static String consoleOf(Path folder) {
        return folder.resolve(DetachedDomain.CONSOLE_LOG).toString();
    }

    /** libvirt's log of a domain's QEMU on its host; only root may read it on most hosts. */
    public static String qemuLogOf(String domain) {
        return DetachedDomain.QEMU_LOGS.resolve(domain + ".log").toString();
    }

    /**
     * Appends to {@code local} what {@code remote} holds beyond {@code local}'s length; returns
     * how many bytes that was. Fails when {@code remote} cannot be read (gone, not the SSH user's).
     *
     * <p>virtlogd rotates a console's log at 2 MiB ({@code console.log} becomes
     * {@code console.log.0}, a new {@code console.log} starts), and the copy follows: the rest of
     * the rotated part is appended, the copy becomes {@code local.0} and a new copy starts, the
     * layout the console's readers know from a local domain. When the remote log rotated more than
     * once since the last copy, {@code local.0} is the host's {@code console.log.0} as it is (the
     * parts between are not copied). Commands copying at once take turns on {@code local.lock}.
     */
    public long copyNew(String remote, Path local) throws IOException {
        try (FileChannel lockFile = FileChannel.open(local.resolveSibling(local.getFileName() + ".lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = lockFile.lock()) {
            long copied = 0;
            if (rotatedSince(remote, local)) {
                copied += followRotation(remote, local);
            }
            return copied + append(remote, local);
        }
    }

    /**
     * Whether {@code remote} is there but no longer holds {@code local}'s last bytes where the copy
     * has them (a missing {@code remote} fails the copy instead).
     */
    private boolean rotatedSince(String remote, Path local) throws IOException {
        if (!Files.exists(local) || Files.size(local) == 0) {
            return false;
        }
        long size = ssh.size(remote);
        return size >= 0 && !continues(remote, size, local);
    }

    /**
     * Whether {@code remote}, {@code remoteSize} bytes long, has {@code local}'s last bytes at the
     * same place: it is the file copied so far.
     */
    private boolean continues(String remote, long remoteSize, Path local) throws IOException {
        long length = Files.size(local);
        int overlap = (int) Math.min(OVERLAP, length);
        byte[] there = new byte[overlap];
        if (remoteSize < length || ssh.read(remote, length - overlap, there) < overlap) {
            return false;
        }
        byte[] here = new byte[overlap];
        try (FileChannel in = FileChannel.open(local, StandardOpenOption.READ)) {
            in.read(ByteBuffer.wrap(here), length - overlap);
        }
        return Arrays.equals(here, there);
    }

    /** The remote log rotated: finishes the copy's part from {@code remote.0} and moves it to {@code local.0}. */
    private long followRotation(String remote, Path local) throws IOException {
        String rotated = remote + DomainXml.LOG_ROTATED_SUFFIX;
        Path previous = local.resolveSibling(local.getFileName() + DomainXml.LOG_ROTATED_SUFFIX);
        long copied = 0;
        long rotatedSize = ssh.size(rotated);
        if (rotatedSize >= 0) {
            if (!continues(rotated, rotatedSize, local)) {
                // More than one rotation since the last copy: the host's newest previous part replaces the copy's.
                Files.delete(local);
            }
            copied = append(rotated, local);
        }
        // Without a rotated part (the log was started again), what was copied stays as the previous part.
        Files.move(local, previous, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return copied;
    }

    private long append(String remote, Path local) throws IOException {
        long offset = Files.exists(local) ? Files.size(local) : 0;
        byte[] buffer = new byte[CHUNK];
        // Read first: a remote file that cannot be read leaves no copy behind. One that can, even
        // empty yet, has its copy (a follower of the copy needs the file to be there).
        int n = ssh.read(remote, offset, buffer);
        long copied = 0;
        try (FileChannel out = FileChannel.open(local, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            while (n > 0) {
                ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, n);
                while (bytes.hasRemaining()) {
                    offset += out.write(bytes, offset);
                }
                copied += n;
                n = ssh.read(remote, offset, buffer);
            }
        }
        return copied;
    }

    /** Where the console is, for messages: the SSH target. */
    public String where() {
        return ssh.target().toString();
    }

    @Override
    public void close() {
        ssh.close();
    }
}
