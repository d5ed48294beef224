package io.jcap.hypervisor.libvirt;

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.Identity;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchChangedHostKeyException;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.JSchHostKeyException;
import com.jcraft.jsch.JSchUnknownHostKeyException;
import com.jcraft.jsch.Session;
import com.jcraft.jsch.SftpATTRS;
import com.jcraft.jsch.SftpException;
import com.jcraft.jsch.SftpProgressMonitor;
import io.jcap.model.EnvironmentException;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One SSH connection to a libvirt host, for SFTP and port tunnels. The host key is checked
 * against the target's known_hosts file and an unknown or different key is refused; only
 * public-key login is tried. Key material and passphrases never appear in messages or events.
 *
 * <p>SFTP requests are serialised: one channel serves the upload, the console reads and the
 * clean-up.
 */
final class SshSession implements AutoCloseable {
    /** Idle connections get a keep-alive so a NAT or firewall does not drop a long-running VM's tunnel. */
    private static final int KEEP_ALIVE_MILLIS = 15_000;

    private final SshTarget target;
    private final Session session;
    private ChannelSftp sftp;

    private SshSession(SshTarget target, Session session) {
        this.target = target;
        this.session = session;
    }

    /** Connects and logs in within {@code timeout}; every failure says what to do about it. */
    static SshSession open(SshTarget target, Duration timeout) throws EnvironmentException {
        JSch jsch = new JSch();
        List<Path> keys = target.identityFiles();
        if (keys.isEmpty()) {
            throw new EnvironmentException("no SSH private key for " + target + ": none of ~/.ssh/"
                    + String.join(", ~/.ssh/", SshTarget.DEFAULT_KEYS) + " exists; create one with ssh-keygen"
                    + " or name one with ?keyfile=... in the libvirt URI");
        }
        try {
            if (!Files.isRegularFile(target.knownHosts())) {
                throw new EnvironmentException(unknownHostMessage(target));
            }
            jsch.setKnownHosts(target.knownHosts().toString());
            for (Path key : keys) {
                if (!Files.isReadable(key)) {
                    throw new EnvironmentException("cannot read SSH private key " + key
                            + ": check the path and its permissions (keyfile=... in the libvirt URI)");
                }
                jsch.addIdentity(key.toString());
            }
            if (jsch.getIdentityRepository().getIdentities().stream().allMatch(Identity::isEncrypted)) {
                throw new EnvironmentException("SSH private key " + keys.get(0) + " is protected by a passphrase,"
                        + " which jcap cannot ask for: name a key without one with ?keyfile=... in the libvirt URI");
            }
            Session session = jsch.getSession(target.user(), target.host(), target.port());
            session.setConfig("StrictHostKeyChecking", "yes");
            session.setConfig("PreferredAuthentications", "publickey");
            session.setServerAliveInterval(KEEP_ALIVE_MILLIS);
            session.connect(Math.toIntExact(Math.max(1, timeout.toMillis())));
            return new SshSession(target, session);
        } catch (JSchUnknownHostKeyException e) {
            throw new EnvironmentException(unknownHostMessage(target), e);
        } catch (JSchChangedHostKeyException e) {
            throw new EnvironmentException(changedHostMessage(target), e);
        } catch (JSchHostKeyException e) {
            throw new EnvironmentException("SSH host " + target.hostKeyName() + " was refused: " + e.getMessage(), e);
        } catch (JSchException e) {
            throw new EnvironmentException(loginFailure(target, keys, e), e);
        }
    }

    static String unknownHostMessage(SshTarget target) {
        return "SSH host " + target.hostKeyName() + " is not in " + target.knownHosts() + ": connect once with '"
                + target.sshCommand() + "' to check and accept its key (jcap never skips the host key check)";
    }

    static String changedHostMessage(SshTarget target) {
        return "SSH host " + target.hostKeyName() + " presented a key that does not match " + target.knownHosts()
                + ": someone may be intercepting the connection; if the host was reinstalled, remove the old key with"
                + " 'ssh-keygen -R " + target.hostKeyName() + " -f " + target.knownHosts() + "' and connect once with '"
                + target.sshCommand() + "'";
    }

    private static String loginFailure(SshTarget target, List<Path> keys, JSchException e) {
        Throwable cause = e.getCause();
        if (cause instanceof ConnectException || cause instanceof UnknownHostException) {
            return "cannot reach the SSH server of " + target + ": " + cause.getMessage()
                    + "; check the host name and port and that sshd runs there";
        }
        String text = String.valueOf(e.getMessage());
        if (text.startsWith("Auth fail") || text.contains("USERAUTH fail")) {
            return "SSH login to " + target + " was refused for key " + keys.get(0) + ": add " + keys.get(0)
                    + ".pub to ~/.ssh/authorized_keys of " + target.user() + " on " + target.host();
        }
        return "SSH connection to " + target + " failed: " + text;
    }

    SshTarget target() {
        return target;
    }

    /** The remote user's home folder. */
    synchronized String home() throws JcapException {
        try {
            return sftp().getHome();
        } catch (SftpException e) {
            throw failure("find the home folder", "", e);
        }
    }

    /** Creates {@code dir} (its parent must exist) with {@code mode}; an existing one is an error unless allowed. */
    synchronized void mkdir(String dir, int mode, boolean mayExist) throws JcapException {
        try {
            SftpATTRS existing = lstatOrNull(dir);
            if (existing == null) {
                sftp().mkdir(dir);
            } else if (!mayExist || !existing.isDir() || existing.isLink()) {
                throw new JcapException("cannot use " + dir + " on " + target.host() + ": it already exists"
                        + (existing.isDir() ? "" : " and is not a folder"));
            }
            sftp().chmod(mode, dir);
        } catch (SftpException e) {
            throw failure("create folder", dir, e);
        }
    }

    /** Uploads {@code local} to {@code remote} with {@code mode}, reporting progress, and checks the size arrived. */
    synchronized void upload(Path local, String remote, int mode, EventSink events) throws JcapException {
        long size;
        try {
            size = Files.size(local);
        } catch (IOException e) {
            throw new JcapException("cannot read " + local + " for upload: " + e.getMessage(), e);
        }
        String task = "Uploading " + local.getFileName() + " to " + target.host();
        try {
            // The file gets its permissions while still empty: a private file is never readable by others.
            sftp().put(InputStream.nullInputStream(), remote, ChannelSftp.OVERWRITE);
            sftp().chmod(mode, remote);
            sftp().put(local.toString(), remote, new Progress(events, task, size), ChannelSftp.OVERWRITE);
            long arrived = sftp().stat(remote).getSize();
            if (arrived != size) {
                throw new JcapException("upload of " + local + " to " + target.host() + ":" + remote + " is incomplete: "
                        + arrived + " of " + size + " bytes arrived");
            }
        } catch (SftpException e) {
            throw failure("upload " + local + " to", remote, e);
        }
    }

    /** Creates an empty file with {@code mode}. */
    synchronized void createEmpty(String remote, int mode) throws JcapException {
        try {
            sftp().put(InputStream.nullInputStream(), remote, ChannelSftp.OVERWRITE);
            sftp().chmod(mode, remote);
        } catch (SftpException e) {
            throw failure("create", remote, e);
        }
    }

    /** Writes {@code text} as the whole of {@code remote}, made with {@code mode} before its bytes arrive. */
    synchronized void writeString(String remote, String text, int mode) throws JcapException {
        createEmpty(remote, mode);
        try {
            sftp().put(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), remote, ChannelSftp.OVERWRITE);
        } catch (SftpException e) {
            throw failure("write", remote, e);
        }
    }

    /** An entry of a remote folder: its name, whether it is a folder (not a link to one), its last change. */
    record Entry(String name, boolean folder, Instant modified) {
    }

    /** The entries of {@code dir} but "." and ".."; empty when there is no such folder. */
    synchronized List<Entry> list(String dir) throws JcapException {
        try {
            if (lstatOrNull(dir) == null) {
                return List.of();
            }
            List<Entry> entries = new ArrayList<>();
            for (ChannelSftp.LsEntry entry : sftp().ls(dir)) {
                String name = entry.getFilename();
                SftpATTRS attributes = entry.getAttrs();
                if (!name.equals(".") && !name.equals("..")) {
                    entries.add(new Entry(name, attributes.isDir() && !attributes.isLink(),
                            Instant.ofEpochSecond(attributes.getMTime() & 0xFFFF_FFFFL)));
                }
            }
            return entries;
        } catch (SftpException e) {
            throw failure("list", dir, e);
        }
    }

    /** Reads up to {@code buffer.length} bytes at {@code offset}; 0 when the file has no more yet. */
    synchronized int read(String remote, long offset, byte[] buffer) throws IOException {
        try (InputStream in = sftp().get(remote, null, offset)) {
            int total = 0;
            int n;
            while (total < buffer.length && (n = in.read(buffer, total, buffer.length - total)) > 0) {
                total += n;
            }
            return total;
        } catch (SftpException | JcapException e) {
            throw new IOException("cannot read " + target.host() + ":" + remote + ": " + e.getMessage(), e);
        }
    }

    /** The size of {@code remote} in bytes; -1 when there is no such file. */
    synchronized long size(String remote) throws IOException {
        try {
            SftpATTRS attributes = lstatOrNull(remote);
            return attributes == null ? -1 : attributes.getSize();
        } catch (SftpException | JcapException e) {
            throw new IOException("cannot look up " + target.host() + ":" + remote + ": " + e.getMessage(), e);
        }
    }

    /** Removes {@code dir} and the plain files in it; a missing folder is fine. */
    synchronized void deleteFolder(String dir) throws JcapException {
        try {
            if (lstatOrNull(dir) == null) {
                return;
            }
            for (ChannelSftp.LsEntry entry : sftp().ls(dir)) {
                String name = entry.getFilename();
                if (!name.equals(".") && !name.equals("..")) {
                    sftp().rm(dir + "/" + name);
                }
            }
            sftp().rmdir(dir);
        } catch (SftpException e) {
            throw failure("delete folder", dir, e);
        }
    }

    /** Removes the file {@code path}; false when it could not (missing, or not the user's to remove). */
    synchronized boolean deleteFile(String path) {
        try {
            sftp().rm(path);
            return true;
        } catch (SftpException | JcapException e) {
            return false;
        }
    }

    /** Whether {@code path} exists (without following a final symlink). */
    synchronized boolean exists(String path) throws JcapException {
        try {
            return lstatOrNull(path) != null;
        } catch (SftpException e) {
            throw failure("look up", path, e);
        }
    }

    /**
     * Forwards {@code localAddress:localPort} here (port 0: a free one) to {@code remotePort} on the
     * host's loopback; returns the local port.
     */
    synchronized int forwardLocal(String localAddress, int localPort, int remotePort) throws JcapException {
        try {
            return session.setPortForwardingL(localAddress, localPort, "127.0.0.1", remotePort);
        } catch (JSchException e) {
            String here = localPort == 0 ? "a local port" : localAddress + ":" + localPort;
            throw new JcapException("cannot tunnel " + here + " to port " + remotePort + " on " + target.host() + ": "
                    + e.getMessage() + " (is that port in use on this machine?)", e);
        }
    }

    @Override
    public synchronized void close() {
        if (sftp != null) {
            sftp.disconnect();
        }
        session.disconnect();
    }

    private ChannelSftp sftp() throws JcapException {
        if (sftp == null || !sftp.isConnected()) {
            try {
                ChannelSftp channel = (ChannelSftp) session.openChannel("sftp");
                channel.connect();
                sftp = channel;
            } catch (JSchException e) {
                throw new JcapException("cannot open SFTP on " + target + ": " + e.getMessage()
                        + "; check that the SSH server offers the sftp subsystem", e);
            }
        }
        return sftp;
    }

    private SftpATTRS lstatOrNull(String path) throws SftpException, JcapException {
        try {
            return sftp().lstat(path);
        } catch (SftpException e) {
            if (e.id == ChannelSftp.SSH_FX_NO_SUCH_FILE) {
                return null;
            }
            throw e;
        }
    }

    private JcapException failure(String action, String path, SftpException e) {
        return new JcapException("cannot " + action + " " + target.host() + ":" + path + ": " + e.getMessage(), e);
    }

    /** Reports upload progress as events, at most once per percent. */
    private static final class Progress implements SftpProgressMonitor {
        private final EventSink events;
        private final String task;
        private final long total;
        private long done;
        private long reported = -1;

        Progress(EventSink events, String task, long total) {
            this.events = events;
            this.task = task;
            this.total = total;
        }

        @Override
        public void init(int op, String src, String dest, long max) {
            events.progress(task, 0, total);
        }

        @Override
        public boolean count(long count) {
            done += count;
            long percent = total == 0 ? 100 : done * 100 / total;
            if (percent != reported && done < total) {
                reported = percent;
                events.progress(task, done, total);
            }
            return true;
        }

        @Override
        public void end() {
            events.progress(task, total, total);
        }
    }
}
