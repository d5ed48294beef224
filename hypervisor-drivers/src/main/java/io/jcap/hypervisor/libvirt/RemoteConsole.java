package io.jcap.hypervisor.libvirt;

import io.jcap.model.JcapException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

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
     */
    public long copyNew(String remote, Path local) throws IOException {
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
