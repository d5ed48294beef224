package io.jcap.hypervisor.libvirt;

import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.nio.file.Path;

/** {@link HostFiles} on a remote libvirt host: uploads over SFTP, console reads over SFTP, SSH tunnels. */
final class RemoteHostFiles implements HostFiles {
    private final SshSession ssh;
    private final String root;

    RemoteHostFiles(SshSession ssh, String root) {
        if (!root.startsWith("/") || root.contains("/../") || root.endsWith("/..")) {
            throw new IllegalArgumentException("the remote folder must be an absolute path without '..', got " + root);
        }
        this.ssh = ssh;
        this.root = root.endsWith("/") && root.length() > 1 ? root.substring(0, root.length() - 1) : root;
    }

    @Override
    public String createFolder(String name) throws JcapException {
        ssh.mkdir(root, FOLDER_MODE, true);
        String folder = root + "/" + name;
        ssh.mkdir(folder, FOLDER_MODE, false);
        return folder;
    }

    @Override
    public String put(Path local, String folder, String name, int mode, EventSink events) throws JcapException {
        String target = folder + "/" + name;
        ssh.upload(local, target, mode, events);
        return target;
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
