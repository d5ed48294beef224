package io.jcap.hypervisor.libvirt;

import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The files of one domain on the libvirt host: a private folder that QEMU can read, under a root
 * folder QEMU's user can reach (never a home folder: libvirt runs QEMU as its own user, which
 * cannot enter a 0700 home). Paths are strings because they name files on another machine.
 */
interface HostFiles extends AutoCloseable {
    /**
     * A domain folder's permissions: QEMU's user must enter it (it opens the files by name), nobody
     * else may list or write it.
     */
    int FOLDER_MODE = 0711;
    /** File permissions: QEMU's user reads the kernel and the initramfs, and writes the console log. */
    int FILE_MODE = 0644;
    /**
     * Permissions of a file that may hold secrets: the disks (the image's files, a cloud-init seed)
     * and the run-time settings. Only its owner reads it: libvirt's DAC security driver hands such
     * a file to QEMU's user for the run and gives it back afterwards.
     */
    int PRIVATE_FILE_MODE = 0600;
    /** The file in each domain folder naming the libvirt URI whose domain uses it. */
    String URI_FILE = ".jcap-libvirt-uri";

    /**
     * The files of domains on {@code uri}'s host: this machine's folders for a local daemon, SFTP
     * for a host reached over SSH (logged in within {@code sshTimeout}). {@code root} holds the
     * domain folders; null means {@value LibvirtVm#DEFAULT_HOST_FOLDER_PREFIX} and the (SSH) user.
     */
    static HostFiles open(LibvirtUri uri, String root, Duration sshTimeout) throws JcapException {
        if (uri.isLocal()) {
            return new LocalHostFiles(Path.of(root != null ? root : defaultRoot(uri)), uri);
        }
        SshTarget ssh = uri.sshTarget().orElseThrow(() -> new JcapException("jcap copies images to a remote libvirt"
                + " host over SSH, which " + uri + " does not use: connect with qemu+ssh://user@host/system"));
        return new RemoteHostFiles(SshSession.open(ssh, sshTimeout), root != null ? root : defaultRoot(uri), uri);
    }

    /**
     * Where domain folders go on {@code uri}'s host by default: {@value LibvirtVm#DEFAULT_HOST_FOLDER_PREFIX}
     * and the user jcap runs as there (this machine's, or the SSH user's).
     */
    static String defaultRoot(LibvirtUri uri) {
        return LibvirtVm.DEFAULT_HOST_FOLDER_PREFIX + uri.sshTarget().map(SshTarget::user)
                .orElse(System.getProperty("user.name"));
    }

    /**
     * Creates the domain's folder {@code name} (it must not exist yet), with the URI file naming
     * this host's libvirt URI, and returns its path on the host.
     */
    String createFolder(String name) throws JcapException;

    /**
     * The domain folders under the root ("jcap-" names) whose URI file names this libvirt URI and
     * which were not changed since {@code before}: the ones {@link DomainSweep} may take. A folder
     * that cannot be read is left out.
     */
    List<String> quietFolders(Instant before) throws JcapException;

    /** Copies {@code local} into {@code folder} as {@code name}, mode {@link #FILE_MODE}; returns its host path. */
    default String put(Path local, String folder, String name, EventSink events) throws JcapException {
        return put(local, folder, name, FILE_MODE, events);
    }

    /** Copies {@code local} into {@code folder} as {@code name} with permissions {@code mode}; returns its host path. */
    String put(Path local, String folder, String name, int mode, EventSink events) throws JcapException;

    /**
     * Links {@code local} into {@code folder} as {@code name}: the same file under a second name (a
     * hard link), not a copy. Empty when that cannot be: a remote host, another file system.
     */
    Optional<String> link(Path local, String folder, String name);

    /** Creates the empty file {@code name} in {@code folder}; returns its path on the host. */
    String createEmpty(String folder, String name) throws JcapException;

    /** Reads up to {@code buffer.length} bytes of {@code file} at {@code offset}; 0 when there are no more yet. */
    int read(String file, long offset, byte[] buffer) throws IOException;

    /** The size of {@code file} in bytes; -1 when there is no such file. */
    long size(String file) throws IOException;

    /** Removes {@code folder} and its files; a missing folder is fine. */
    void deleteFolder(String folder) throws JcapException;

    /**
     * The port on this machine that reaches TCP {@code hostPort} on the libvirt host's loopback:
     * the port itself for a local daemon; for a remote one, a tunnel listening on
     * {@code localAddress:localPort} here (port 0: any free port).
     */
    int reach(String localAddress, int localPort, int hostPort) throws JcapException;

    /** Where this is, for messages: "this machine" or the SSH target. */
    String where();

    @Override
    void close();
}
