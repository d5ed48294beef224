package io.jcap.hypervisor.libvirt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.model.EnvironmentException;
import io.jcap.model.EventSink;
import io.jcap.model.Sha256;
import io.jcap.testsupport.TestSshd;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SshSessionIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final LibvirtUri URI = LibvirtUri.parse("qemu+ssh://jcap@127.0.0.1/system");

    @TempDir
    Path dir;
    private TestSshd sshd;

    @BeforeEach
    void startSshd() throws Exception {
        sshd = TestSshd.start(Files.createDirectory(dir.resolve("sshd")));
    }

    @AfterEach
    void stopSshd() throws Exception {
        if (sshd != null) {
            sshd.close();
        }
    }

    /** The test sshd's files under {@code root}, logged in over SSH. */
    private RemoteHostFiles remoteFiles(String root) throws Exception {
        SshSession ssh = SshSession.open(LibvirtTestSupport.target(sshd, sshd.knownHosts), TIMEOUT);
        return new RemoteHostFiles(ssh, root, URI);
    }

    @Test
    void put_imageOverSftp_arrivesWithTheSameBytesAndMode() throws Exception {
        Path image = dir.resolve("image.qcow2");
        byte[] bytes = new byte[3 * 1024 * 1024 + 12345];
        new Random(42).nextBytes(bytes);
        Files.write(image, bytes);
        List<Long> progress = new CopyOnWriteArrayList<>();
        EventSink events = new EventSink() {
            @Override
            public void log(Level level, String message) {
            }

            @Override
            public void progress(String task, long done, long total) {
                assertEquals("Uploading image.qcow2 to 127.0.0.1", task);
                assertEquals(bytes.length, total);
                progress.add(done);
            }
        };
        String root = dir.resolve("remote").toString();
        try (RemoteHostFiles files = remoteFiles(root)) {
            String folder = files.createFolder("jcap-0011aabb");

            String placed = files.put(image, folder, "disk0.qcow2", events);

            Path arrived = Path.of(placed);
            assertEquals(root + "/jcap-0011aabb/disk0.qcow2", placed);
            assertEquals(Sha256.of(image), Sha256.of(arrived));
            assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(arrived)));
            assertEquals("rwx--x--x", PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of(folder))));
            assertEquals(0L, progress.get(0));
            assertEquals((long) bytes.length, progress.get(progress.size() - 1));
        }
    }

    /**
     * What the next run's sweep on a remote host may take: a folder of its URI (the marker that
     * createFolder writes), quiet for the given time; never a fresh, foreign, unmarked one, a file,
     * or a folder that is not jcap's.
     */
    @Test
    void quietFolders_overSftp_namesOnlyQuietFoldersMarkedWithItsUri() throws Exception {
        String root = dir.resolve("remote").toString();
        FileTime hourAgo = FileTime.from(Instant.now().minus(Duration.ofHours(1)));
        try (RemoteHostFiles files = remoteFiles(root)) {
            String quiet = files.createFolder("jcap-0000dead");
            String fresh = files.createFolder("jcap-0000f7e5");
            String foreign = files.createFolder("jcap-00000e55");
            Files.writeString(Path.of(foreign, HostFiles.URI_FILE), "qemu+ssh://jcap@127.0.0.1/session\n");
            Path unmarked = Files.createDirectory(Path.of(root, "jcap-0000a0a0"));
            Path other = Files.createDirectory(Path.of(root, "not-jcap"));
            Files.writeString(other.resolve(HostFiles.URI_FILE), URI + "\n");
            Path file = Files.writeString(Path.of(root, "jcap-00000f11"), URI + "\n");
            for (Path old : List.of(Path.of(quiet), Path.of(foreign), unmarked, other, file)) {
                Files.setLastModifiedTime(old, hourAgo);
            }

            List<String> found = files.quietFolders(Instant.now().minus(Duration.ofMinutes(10)));

            assertEquals(URI + "\n", Files.readString(Path.of(fresh, HostFiles.URI_FILE)));
            assertEquals(List.of(quiet), found);
        }
    }

    @Test
    void read_growingFile_returnsBytesFromTheOffset() throws Exception {
        try (RemoteHostFiles files = remoteFiles(dir.resolve("remote").toString())) {
            String folder = files.createFolder("jcap-0011aabb");
            String log = files.createEmpty(folder, "console.log");
            byte[] buffer = new byte[64];
            assertEquals(0, files.read(log, 0, buffer));
            Files.writeString(Path.of(log), "JCAP-READY\nJCAP-");

            int n = files.read(log, 5, buffer);

            assertEquals("READY\nJCAP-", new String(buffer, 0, n, StandardCharsets.US_ASCII));
            assertEquals(0, files.read(log, 16, buffer));
        }
    }

    @Test
    void deleteFolder_withFiles_removesItAndIgnoresAMissingOne() throws Exception {
        Path image = Files.writeString(dir.resolve("kernel"), "not really a kernel");
        try (RemoteHostFiles files = remoteFiles(dir.resolve("remote").toString())) {
            String folder = files.createFolder("jcap-0011aabb");
            files.put(image, folder, "kernel", EventSink.NONE);

            files.deleteFolder(folder);
            files.deleteFolder(folder);

            assertFalse(Files.exists(Path.of(folder)));
        }
    }

    @Test
    void reach_remotePort_tunnelsALocalPortToIt() throws Exception {
        try (ServerSocket service = new ServerSocket();
                SshSession ssh = SshSession.open(LibvirtTestSupport.target(sshd, sshd.knownHosts), TIMEOUT)) {
            service.bind(new InetSocketAddress("127.0.0.1", 0));
            RemoteHostFiles files = new RemoteHostFiles(ssh, dir.toString(), URI);

            int local = files.reach("127.0.0.1", 0, service.getLocalPort());

            try (Socket client = new Socket("127.0.0.1", local); Socket accepted = service.accept()) {
                OutputStream out = client.getOutputStream();
                out.write("ping".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = accepted.getInputStream();
                assertArrayEquals("ping".getBytes(StandardCharsets.US_ASCII), in.readNBytes(4));
            }
        }
    }

    @Test
    void open_hostNotInKnownHosts_isRefusedWithWhatToDo() throws Exception {
        Path empty = Files.createFile(dir.resolve("empty_known_hosts"));

        EnvironmentException e = assertThrows(EnvironmentException.class,
                () -> SshSession.open(LibvirtTestSupport.target(sshd, empty), TIMEOUT));

        assertEquals("SSH host [127.0.0.1]:" + sshd.port + " is not in " + empty + ": connect once with 'ssh -p "
                + sshd.port + " " + sshd.user + "@127.0.0.1' to check and accept its key (jcap never skips the host key"
                + " check)", e.getMessage());
    }

    @Test
    void open_knownHostsFileMissing_isRefusedLikeAnUnknownHost() throws Exception {
        Path missing = dir.resolve("no_such_known_hosts");

        EnvironmentException e = assertThrows(EnvironmentException.class,
                () -> SshSession.open(LibvirtTestSupport.target(sshd, missing), TIMEOUT));

        assertEquals("SSH host [127.0.0.1]:" + sshd.port + " is not in " + missing + ": connect once with 'ssh -p "
                + sshd.port + " " + sshd.user + "@127.0.0.1' to check and accept its key (jcap never skips the host key"
                + " check)", e.getMessage());
    }

    @Test
    void open_hostKeyChanged_isRefusedWithWhatToDo() throws Exception {
        Path other = sshd.otherKey();
        Path wrong = dir.resolve("wrong_known_hosts");
        Files.writeString(wrong, "[127.0.0.1]:" + sshd.port + " " + TestSshd.publicKey(Path.of(other + ".pub")) + "\n");

        EnvironmentException e = assertThrows(EnvironmentException.class,
                () -> SshSession.open(LibvirtTestSupport.target(sshd, wrong), TIMEOUT));

        assertEquals("SSH host [127.0.0.1]:" + sshd.port + " presented a key that does not match " + wrong
                + ": someone may be intercepting the connection; if the host was reinstalled, remove the old key with"
                + " 'ssh-keygen -R [127.0.0.1]:" + sshd.port + " -f " + wrong + "' and connect once with 'ssh -p "
                + sshd.port + " " + sshd.user + "@127.0.0.1'", e.getMessage());
    }

    @Test
    void open_keyNotAuthorised_isRefusedWithWhatToDo() throws Exception {
        Path other = sshd.otherKey();
        SshTarget target = new SshTarget(sshd.user, "127.0.0.1", sshd.port, Optional.of(other), sshd.knownHosts);

        EnvironmentException e = assertThrows(EnvironmentException.class, () -> SshSession.open(target, TIMEOUT));

        assertEquals("SSH login to " + sshd.user + "@127.0.0.1:" + sshd.port + " was refused for key " + other + ": add "
                + other + ".pub to ~/.ssh/authorized_keys of " + sshd.user + " on 127.0.0.1", e.getMessage());
    }

    /**
     * {@link RemoteConsole}'s copies over the same sshd (the "remote" file is a file of this
     * machine): only new bytes travel, a copy by another connection (another jcap command) goes on
     * where the copy ends, an empty file gets its empty copy, and a file that cannot be read fails
     * and leaves none.
     */
    @Test
    void remoteConsole_copyNewAppendsWhatTheRemoteFileGained_whicheverConnectionCopies() throws Exception {
        Path remote = dir.resolve("console.log");
        byte[] first = new byte[600 * 1024];
        new Random(7).nextBytes(first);
        Files.write(remote, first);
        Path copy = dir.resolve("copy.log");
        LibvirtUri uri = LibvirtUri.parse(sshd.libvirtSshUri());

        try (RemoteConsole one = RemoteConsole.open(uri); RemoteConsole two = RemoteConsole.open(uri)) {
            assertEquals(first.length, one.copyNew(remote.toString(), copy));
            assertEquals(0, one.copyNew(remote.toString(), copy));
            Files.write(remote, "a new line\n".getBytes(), StandardOpenOption.APPEND);
            // Another connection, as another jcap command: it goes on where the copy ends.
            assertEquals(11, two.copyNew(remote.toString(), copy));
            assertEquals(0, one.copyNew(remote.toString(), copy));

            assertArrayEquals(Files.readAllBytes(remote), Files.readAllBytes(copy));
            IOException gone = assertThrows(IOException.class, () -> one.copyNew(dir.resolve("none").toString(),
                    dir.resolve("none.copy")));
            assertTrue(gone.getMessage().startsWith("cannot read 127.0.0.1:" + dir.resolve("none") + ": ")
                    && gone.getMessage().endsWith("No such file"), gone.getMessage());
            assertFalse(Files.exists(dir.resolve("none.copy")), "no copy of a file that could not be read");
            // An empty console (a guest that printed nothing yet) has its empty copy: jcap logs -f follows it.
            Files.createFile(dir.resolve("empty.log"));
            assertEquals(0, one.copyNew(dir.resolve("empty.log").toString(), dir.resolve("empty.copy")));
            assertEquals(0, Files.size(dir.resolve("empty.copy")));
        }
    }

    /**
     * The remote console rotated by virtlogd between copies: once, the copy's part is finished from
     * {@code console.log.0} and kept as {@code copy.log.0}, and the new part copied from its start;
     * twice, {@code copy.log.0} is the host's newest previous part.
     */
    @Test
    void remoteConsole_copyNew_followsTheRemoteLogsRotation() throws Exception {
        Path remote = dir.resolve("rotating.log");
        Path rotated = dir.resolve("rotating.log.0");
        Path copy = dir.resolve("copy.log");
        Path copied = dir.resolve("copy.log.0");
        byte[] part = new byte[10_000];
        new Random(11).nextBytes(part);
        LibvirtUri uri = LibvirtUri.parse(sshd.libvirtSshUri());

        try (RemoteConsole console = RemoteConsole.open(uri)) {
            Files.write(remote, java.util.Arrays.copyOf(part, 6000));
            assertEquals(6000, console.copyNew(remote.toString(), copy));
            Files.write(remote, java.util.Arrays.copyOfRange(part, 6000, 10_000), StandardOpenOption.APPEND);
            Files.move(remote, rotated);
            Files.write(remote, "part two\n".getBytes());

            assertEquals(4000 + 9, console.copyNew(remote.toString(), copy));
            assertArrayEquals(part, Files.readAllBytes(copied));
            assertArrayEquals("part two\n".getBytes(), Files.readAllBytes(copy));

            Files.move(rotated, dir.resolve("rotating.log.1"));
            Files.move(remote, rotated);
            Files.write(remote, "part four\n".getBytes());
            Files.move(rotated, dir.resolve("rotating.log.2"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.move(remote, rotated);
            Files.write(remote, "part five\n".getBytes());

            assertEquals(10 + 10, console.copyNew(remote.toString(), copy));
            assertArrayEquals("part four\n".getBytes(), Files.readAllBytes(copied));
            assertArrayEquals("part five\n".getBytes(), Files.readAllBytes(copy));
            assertEquals(0, console.copyNew(remote.toString(), copy));
        }
    }
}
