package io.jcap.hypervisor.libvirt;

import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@link HostFiles} on a remote libvirt host: uploads over SFTP, console reads over SFTP, SSH tunnels. */
final class RemoteHostFiles implements HostFiles {
    /** The most of a URI file read back: a URI longer than this is not one jcap wrote. */
    private static final int URI_BYTES = 4096;

    private final SshSession ssh;
    private final String root;
    private final LibvirtUri uri;

    RemoteHostFiles(SshSession ssh, String root, LibvirtUri uri) {
        if (!root.startsWith("/") || root.contains("/../") || root.endsWith("/..")) {
            throw new IllegalArgumentException("the remote folder must be an absolute path without '..', got " + root);
        }
        this.ssh = ssh;
        this.uri = uri;
        this.root = root.endsWith("/") && root.length() > 1 ? root.substring(0, root.length() - 1) : root;
    }

    @Override
    public String createFolder(String name) throws JcapException {
        ssh.mkdir(root, FOLDER_MODE, true);
        String folder = root + "/" + name;
        ssh.mkdir(folder, FOLDER_MODE, false);
        ssh.writeString(folder + "/" + URI_FILE, uri + "\n", FILE_MODE);
        return folder;
    }

    @Override
    public List<String> quietFolders(Instant before) throws JcapException {
        List<String> quiet = new ArrayList<>();
        byte[] marker = new byte[URI_BYTES];
        for (SshSession.Entry entry : ssh.list(root)) {
            String folder = root + "/" + entry.name();
            if (!entry.name().startsWith("jcap-") || !entry.folder() || entry.modified().isAfter(before)) {
                continue;
            }
            try {
                int n = ssh.read(folder + "/" + URI_FILE, 0, marker);
                if (new String(marker, 0, n, StandardCharsets.UTF_8).strip().equals(uri.toString())) {
                    quiet.add(folder);
                }
            } catch (IOException e) {
                // No marker (a folder of an older jcap, or not jcap's): left alone.
            }
        }
        return quiet;
    }

    @Override
    public String put(Path local, String folder, String name, int mode, EventSink events) throws JcapException {
        String target = folder + "/" + name;
        ssh.upload(local, target, mode, events);
        return target;
    }

    @Override
    public Optional<String> link(Path local, String folder, String name) {
        return Optional.empty();
    }

    @Override
    public String createEmpty(String folder, String name) throws JcapException {
        String target = folder + "/" + name;
        ssh.createEmpty(target, FILE_MODE);
        return target;
    }

    @Override
    public int read(String file, long offset, byte[] buffer) throws IOException {
        return ssh.read(file, offset, buffer);
    }

    @Override
    public long size(String file) throws IOException {
        return ssh.size(file);
    }

    @Override
    public void deleteFolder(String folder) throws JcapException {
        ssh.deleteFolder(folder);
    }

    /** Removes the file {@code path} on the host; false when it could not (missing, or not the SSH user's). */
    boolean deleteFile(String path) {
        return ssh.deleteFile(path);
    }

    @Override
    public int reach(String localAddress, int localPort, int hostPort) throws JcapException {
        return ssh.forwardLocal(localAddress, localPort, hostPort);
    }

    @Override
    public String where() {
        return ssh.target().toString();
    }

    @Override
    public void close() {
        ssh.close();
    }
}
