package io.jcap.hypervisor.libvirt;

import static io.jcap.hypervisor.libvirt.LibvirtTestSupport.BOOT;
import static io.jcap.hypervisor.libvirt.LibvirtTestSupport.SPIN_LINE;
import static io.jcap.hypervisor.libvirt.LibvirtTestSupport.bootSectorSpec;
import static io.jcap.hypervisor.libvirt.LibvirtTestSupport.domainExists;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.formats.DiskFormat;
import io.jcap.host.FileTrees;
import io.jcap.hypervisor.BootSector;
import io.jcap.hypervisor.Drive;
import io.jcap.hypervisor.PortForward;
import io.jcap.hypervisor.VmException;
import io.jcap.hypervisor.VmSpec;
import io.jcap.model.Sha256;
import io.jcap.testsupport.Component;
import io.jcap.testsupport.Requires;
import io.jcap.testsupport.TestSshd;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.libvirt.Connect;

/**
 * The remote path for real: this machine's libvirtd reached through a test-owned sshd on
 * 127.0.0.1, files uploaded over SFTP into a "remote" folder, the console read back over SFTP.
 */
@Requires(Component.LIBVIRT)
class LibvirtRemoteIT {
    @TempDir
    Path dir;
    private TestSshd sshd;
    private Path remoteRoot;

    @BeforeEach
    void startSshd() throws Exception {
        sshd = TestSshd.start(Files.createDirectory(dir.resolve("sshd")));
        // QEMU runs as libvirt-qemu and must reach the domain folder: the test folder is private.
        remoteRoot = Files.createDirectory(Path.of("/var/tmp").resolve("jcap-libvirt-it-" + dir.getFileName()));
        Files.setPosixFilePermissions(remoteRoot, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void stopSshd() throws Exception {
        if (sshd != null) {
            sshd.close();
        }
        if (remoteRoot != null) {
            Files.deleteIfExists(remoteRoot);
        }
    }

    /** libssh runs inside the process and honours known_hosts: no ssh client configuration involved. */
    private LibvirtUri libsshUri() {
        return LibvirtUri.parse("qemu+libssh://" + sshd.user + "@127.0.0.1:" + sshd.port + "/system?keyfile="
                + sshd.clientKey + "&known_hosts=" + sshd.knownHosts + "&known_hosts_verify=normal&sshauth=privkey");
    }

    private LibvirtUri sshUri() throws Exception {
        return LibvirtUri.parse(sshd.libvirtSshUri());
    }

    @Test
    void start_overLibssh_uploadsTheDiskAndReadsTheConsoleBack() throws Exception {
        VmSpec spec = bootSectorSpec(dir, TestGuests.printThenPowerOff("JCAP-REMOTE")).build();
        Path disk = spec.drives().get(0).file();
        try (LibvirtVm vm = new LibvirtVm(libsshUri(), spec).withHostFolder(remoteRoot.toString())) {
            vm.start();
            Path uploaded = Path.of(vm.domainFolder(), "disk0.raw");
            assertEquals(remoteRoot.resolve(vm.domainName()), Path.of(vm.domainFolder()));
            assertEquals(Sha256.of(disk), Sha256.of(uploaded));

            assertEquals("JCAP-REMOTE", vm.awaitLine(Pattern.compile("^JCAP-REMOTE$"), BOOT));
            assertEquals(LibvirtVm.POWERED_OFF, vm.awaitExit(BOOT));
        }
        assertEquals(List.of(), Files.list(remoteRoot).toList());
    }

    @Test
    void start_overSshTransport_runsTheGuestAndCleansUp() throws Exception {
        VmSpec spec = bootSectorSpec(dir, BootSector.printThenHalt(SPIN_LINE)).build();
        LibvirtVm vm = new LibvirtVm(sshUri(), spec).withHostFolder(remoteRoot.toString())
                .withStopTimeout(Duration.ofMillis(500));
        vm.start();
        vm.awaitLine(line -> line.equals(SPIN_LINE), BOOT);
        assertTrue(vm.isAlive());

        vm.close();

        assertFalse(domainExists(vm.domainName()));
        assertEquals(List.of(), Files.list(remoteRoot).toList());
    }

    /**
     * A foreground run on a remote host killed outright leaves its stopped domain and its folder
     * there: the next run on that host undefines and removes them, and leaves a detached instance's.
     */
    @Test
    void start_remoteHost_sweepsAKilledRunsDomainAndFolderButNotADetachedOnes() throws Exception {
        VmSpec spec = bootSectorSpec(dir, BootSector.printThenHalt(SPIN_LINE)).build();
        FileTime hourAgo = FileTime.from(Instant.now().minus(Duration.ofHours(1)));
        LibvirtUri uri = sshUri();
        Connect connect = LibvirtConnections.open(LibvirtUri.SYSTEM);
        // Names of their own: LibvirtVmIT's sweep test plants domains on the same daemon, maybe at the same time.
        List<String> planted = List.of("jcap-0000cafe", "jcap-keep-0000f00d");
        try {
            for (String domain : planted) {
                Path folder = Files.createDirectory(remoteRoot.resolve(domain));
                Files.writeString(folder.resolve(HostFiles.URI_FILE), uri + "\n");
                String console = folder.resolve("console.log").toString();
                connect.domainDefineXML(DomainXml.of(domain, spec, console, List.of()));
                Files.setLastModifiedTime(folder, hourAgo);
            }

            try (LibvirtVm vm = new LibvirtVm(uri, spec).withHostFolder(remoteRoot.toString())
                    .withStopTimeout(Duration.ZERO)) {
                vm.start();
            }

            assertFalse(domainExists("jcap-0000cafe"), "a killed run's stopped domain is still defined");
            assertFalse(Files.exists(remoteRoot.resolve("jcap-0000cafe")), "a killed run's folder is kept");
            assertTrue(domainExists("jcap-keep-0000f00d"), "a detached instance's stopped domain was undefined");
            assertTrue(Files.isDirectory(remoteRoot.resolve("jcap-keep-0000f00d")),
                    "a detached instance's folder went");
        } finally {
            for (String domain : planted) {
                LibvirtConnections.destroyAndUndefine(connect, domain);
                FileTrees.delete(remoteRoot.resolve(domain));
            }
            LibvirtConnections.closeQuietly(connect);
        }
    }

    @Test
    void start_remotePortForward_isTunnelledToALocalPort() throws Exception {
        VmSpec spec = bootSectorSpec(dir, BootSector.printThenHalt(SPIN_LINE)).userNetwork(PortForward.tcp(0, 10000))
                .build();
        try (LibvirtVm vm = new LibvirtVm(libsshUri(), spec).withHostFolder(remoteRoot.toString())
                .withStopTimeout(Duration.ZERO)) {
            vm.start();

            int local = vm.hostPort(10000);
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", local), 5000);
                assertTrue(socket.isConnected());
            }
            assertEquals(List.of(PortForward.tcp(local, 10000)), vm.forwards());
        }
    }

    @Test
    void start_remoteForwardWithFixedPort_listensOnThatPortHere() throws Exception {
        int wanted;
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress("127.0.0.1", 0));
            wanted = probe.getLocalPort();
        }
        VmSpec spec = bootSectorSpec(dir, BootSector.printThenHalt(SPIN_LINE))
                .userNetwork(PortForward.tcp(wanted, 10000)).build();
        try (LibvirtVm vm = new LibvirtVm(libsshUri(), spec).withHostFolder(remoteRoot.toString())
                .withStopTimeout(Duration.ZERO)) {
            vm.start();

            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", wanted), 5000);
                assertTrue(socket.isConnected());
            }
            assertEquals(List.of(PortForward.tcp(wanted, 10000)), vm.forwards());
        }
    }

    @Test
    void start_writableDiskOnRemoteHost_isRefusedBeforeAnythingRuns() throws Exception {
        Path disk = dir.resolve("data.img");
        BootSector.writeDisk(BootSector.probe(), disk);
        VmSpec spec = VmSpec.builder().memoryMiB(32).drive(Drive.virtio(disk, DiskFormat.RAW)).build();
        LibvirtVm vm = new LibvirtVm(libsshUri(), spec).withHostFolder(remoteRoot.toString());

        VmException e = assertThrows(VmException.class, vm::start);

        assertEquals("disk " + disk + " is writable, but a remote libvirt host (" + sshd.user + "@127.0.0.1:" + sshd.port
                + ") works on an uploaded copy: attach it as a snapshot or read-only drive", e.summary());
        assertFalse(domainExists(vm.domainName()));
        assertEquals(List.of(), Files.list(remoteRoot).toList());
    }

    @Test
    void start_unknownHostKey_isRefusedByTheUpload() throws Exception {
        Path empty = Files.createFile(dir.resolve("empty_known_hosts"));
        LibvirtUri uri = LibvirtUri.parse("qemu+ssh://" + sshd.user + "@127.0.0.1:" + sshd.port + "/system?keyfile="
                + sshd.clientKey + "&known_hosts=" + empty);
        LibvirtVm vm = new LibvirtVm(uri, bootSectorSpec(dir, BootSector.probe()).build())
                .withHostFolder(remoteRoot.toString());

        VmException e = assertThrows(VmException.class, vm::start);

        assertEquals("SSH host [127.0.0.1]:" + sshd.port + " is not in " + empty + ": connect once with 'ssh -p "
                + sshd.port + " " + sshd.user + "@127.0.0.1' to check and accept its key (jcap never skips the host key"
                + " check)", e.summary());
    }
}
