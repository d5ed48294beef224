package io.jcap.hypervisor.libvirt;

import static io.jcap.hypervisor.libvirt.LibvirtTestSupport.BOOT;
import static io.jcap.hypervisor.libvirt.LibvirtTestSupport.SPIN_LINE;
import static io.jcap.hypervisor.libvirt.LibvirtTestSupport.bootSectorSpec;
import static io.jcap.hypervisor.libvirt.LibvirtTestSupport.domainExists;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.hypervisor.BootSector;
import io.jcap.hypervisor.GuestLifecycle;
import io.jcap.hypervisor.PortForward;
import io.jcap.hypervisor.Ports;
import io.jcap.hypervisor.VmException;
import io.jcap.hypervisor.VmSpec;
import io.jcap.testsupport.Component;
import io.jcap.testsupport.Requires;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Requires(Component.LIBVIRT)
class LibvirtVmIT {
    @TempDir
    Path dir;

    @Test
    void awaitExit_guestPowersOff_returnsPoweredOffAfterItsLine() throws Exception {
        List<String> heard = new CopyOnWriteArrayList<>();
        VmSpec spec = bootSectorSpec(dir, TestGuests.printThenPowerOff("JCAP-OFF")).build();
        String name;
        try (LibvirtVm vm = new LibvirtVm(spec).withConsoleListener(heard::add)) {
            name = vm.domainName();
            vm.start();

            String line = vm.awaitLine(Pattern.compile("^JCAP-OFF$"), BOOT);
            int status = vm.awaitExit(BOOT);

            assertEquals("JCAP-OFF", line);
            assertEquals(LibvirtVm.POWERED_OFF, status);
            assertEquals(List.of("JCAP-OFF"), heard);
            assertEquals(Optional.of("the guest powered off"), vm.endDescription());
            assertFalse(vm.isAlive());
        }
        assertFalse(domainExists(name), "the run's domain is undefined once it ended");
    }

    @Test
    void awaitLine_qemuExitsByItself_reportsHowTheDomainEndedAndConsole() throws Exception {
        VmSpec spec = bootSectorSpec(dir, BootSector.probe()).extraArgs("-device", BootSector.DEBUG_EXIT_DEVICE).build();
        try (LibvirtVm vm = new LibvirtVm(spec)) {
            vm.start();

            VmException e = assertThrows(VmException.class, () -> vm.awaitLine(Pattern.compile("NEVER"), BOOT));

            assertEquals("libvirt domain " + vm.domainName() + " ended (QEMU ended without a guest power-off) before"
                    + " the console showed a line matching /NEVER/; last console lines:\n    JCAP-PROBE-OK", e.getMessage());
            assertEquals(OptionalInt.of(LibvirtVm.STOPPED_OTHERWISE), e.vmExitCode());
            assertEquals(LibvirtVm.STOPPED_OTHERWISE, vm.awaitExit(BOOT));
        }
    }

    @Test
    void awaitLine_lineNeverPrinted_throwsWithConsoleTailAndDestroysDomain() throws Exception {
        String name;
        try (LibvirtVm vm = new LibvirtVm(bootSectorSpec(dir, BootSector.printThenHalt(SPIN_LINE)).build())) {
            name = vm.domainName();
            vm.start();
            vm.awaitLine(line -> line.equals(SPIN_LINE), BOOT);

            VmException e = assertThrows(VmException.class,
                    () -> vm.awaitLine(Pattern.compile("JCAP-READY"), Duration.ofSeconds(1)));

            assertEquals("the console did not show a line matching /JCAP-READY/ within 1 s; the domain was destroyed;"
                    + " last console lines:\n    JCAP-SPIN", e.getMessage());
            assertEquals(OptionalInt.empty(), e.vmExitCode());
            assertEquals(LibvirtVm.STOPPED_OTHERWISE, vm.awaitExit(BOOT));
            assertEquals(Optional.of("the domain was destroyed"), vm.endDescription());
        }
        assertFalse(domainExists(name), "the run's domain is undefined once it ended");
    }

    @Test
    void close_guestIgnoresPowerButton_destroysDomainAndDeletesItsFolder() throws Exception {
        LibvirtVm vm = new LibvirtVm(bootSectorSpec(dir, BootSector.printThenHalt(SPIN_LINE)).build())
                .withStopTimeout(Duration.ofMillis(500));
        vm.start();
        vm.awaitLine(line -> line.equals(SPIN_LINE), BOOT);
        Path folder = Path.of(vm.domainFolder());
        assertEquals(List.of(HostFiles.URI_FILE, "console.log", "disk0.raw"), Files.list(folder)
                .map(p -> p.getFileName().toString())
                .sorted().toList());
        assertTrue(vm.isAlive());
        assertTrue(vm.killedOnShutdown());

        vm.close();
        vm.close();

        assertFalse(vm.isAlive());
        assertFalse(domainExists(vm.domainName()));
        assertFalse(Files.exists(folder));
        assertFalse(vm.killedOnShutdown());
    }

    @Test
    void start_missingDisk_reportsItAndLeavesNothingBehind() throws Exception {
        Path missing = dir.resolve("missing.img");
        VmSpec spec = VmSpec.builder().memoryMiB(32)
                .drive(io.jcap.hypervisor.Drive.virtio(missing, io.jcap.formats.DiskFormat.RAW).asSnapshot())
                .build();
        LibvirtVm vm = new LibvirtVm(spec);

        VmException e = assertThrows(VmException.class, vm::start);

        String folder = LibvirtVm.DEFAULT_HOST_FOLDER_PREFIX + System.getProperty("user.name") + "/" + vm.domainName();
        assertEquals("cannot copy " + missing + " to " + folder + "/disk0.raw: " + missing, e.summary());
        assertFalse(Files.exists(Path.of(folder)));
        assertFalse(domainExists(vm.domainName()));
        assertFalse(vm.killedOnShutdown());
    }

    @Test
    void start_portForward_listensOnLoopbackHostPort() throws Exception {
        VmSpec spec = bootSectorSpec(dir, BootSector.printThenHalt(SPIN_LINE)).userNetwork(PortForward.tcp(0, 10000))
                .build();
        try (LibvirtVm vm = new LibvirtVm(spec).withStopTimeout(Duration.ZERO)) {
            vm.start();

            int port = vm.hostPort(10000);
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                assertTrue(socket.isConnected());
            }
            assertEquals(List.of(PortForward.tcp(port, 10000)), vm.forwards());
        }
    }

    /**
     * QEMU's own words for a failed start, from libvirt's log of the domain's QEMU: what jcap adds
     * when libvirt's message lacks them (QEMU ended before libvirt reached its monitor).
     */
    @Test
    void start_portTaken_qemusLogSaysWhichPort() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            VmSpec spec = bootSectorSpec(dir, BootSector.printThenHalt(SPIN_LINE))
                    .userNetwork(PortForward.tcp(taken.getLocalPort(), 10000)).build();
            LibvirtVm vm = new LibvirtVm(spec);

            VmException e = assertThrows(VmException.class, vm::start);

            assertTrue(e.getMessage().contains(GuestLifecycle.HOSTFWD_FAILURE), e.getMessage());
            String bare = "failed to connect to monitor socket: Connection refused";
            String said = QemuLog.explain(bare, new LocalHostFiles(dir, LibvirtUri.SYSTEM),
                    RemoteConsole.qemuLogOf(vm.domainName()), vm.domainName(), note -> { });
            assertTrue(said.matches(Pattern.quote(bare) + " \\(QEMU's log: qemu-system-x86_64: .*"
                    + Pattern.quote(GuestLifecycle.HOSTFWD_FAILURE + " 'tcp:127.0.0.1:" + taken.getLocalPort() + "-:10000'")
                    + "\\)"), said);
            assertFalse(domainExists(vm.domainName()));
        }
    }

    @Test
    void start_pickedPortTaken_retriesWithAnotherPort() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            AtomicInteger calls = new AtomicInteger();
            Ports.PortSupplier supplier = () -> calls.getAndIncrement() == 0 ? taken.getLocalPort() : Ports.freeLoopbackPort();
            VmSpec spec = bootSectorSpec(dir, BootSector.printThenHalt(SPIN_LINE)).userNetwork(PortForward.tcp(0, 10000))
                    .build();
            try (LibvirtVm vm = new LibvirtVm(spec).withPortSupplier(supplier).withStopTimeout(Duration.ZERO)) {
                vm.start();

                assertEquals(2, calls.get());
                assertNotEquals(taken.getLocalPort(), vm.hostPort(10000));
                assertTrue(vm.isAlive());
            }
        }
    }

    @Test
    void start_kernelAndInitrd_bootsLinuxWhosePowerOffEndsTheDomain() throws Exception {
        VmSpec spec = TestGuests.busyboxLinux(dir, List.of("/bin/busybox echo JCAP-KERNEL-OK"));
        try (LibvirtVm vm = new LibvirtVm(spec)) {
            vm.start();

            vm.awaitLine(Pattern.compile("^JCAP-KERNEL-OK$"), BOOT);

            assertEquals(LibvirtVm.POWERED_OFF, vm.awaitExit(BOOT));
        }
    }

    /**
     * A run's domain is persistent while it runs (libvirtd can deadlock freeing a transient
     * domain whose console stream closes) and undefined at the end, whether the guest powered off
     * or jcap stopped it.
     */
    @Test
    void start_definesThePersistentDomainForTheRun_andUndefinesItAtTheEnd() throws Exception {
        String name;
        try (LibvirtVm vm = new LibvirtVm(bootSectorSpec(dir, TestGuests.printThenPowerOff("bye")).build())) {
            vm.start();
            name = vm.domainName();
            assertTrue(persistent(name), "the run's domain is persistent while it runs");
            assertEquals(LibvirtVm.POWERED_OFF, vm.awaitExit(BOOT));
        }
        assertFalse(domainExists(name), "the run's domain is undefined once it ended");
        try (LibvirtVm vm = new LibvirtVm(bootSectorSpec(dir, BootSector.printThenHalt(SPIN_LINE)).build())) {
            vm.start();
            name = vm.domainName();
            vm.awaitLine(line -> line.equals(SPIN_LINE), BOOT);
        }
        assertFalse(domainExists(name), "the run's domain is undefined once jcap stopped it");
    }

    /**
     * The sweep of a run's start: folders of domains libvirt no longer knows, and a killed run's
     * stopped domain with its folder; never a running, fresh, foreign or unmarked one, nor a
     * detached instance's stopped domain.
     */
    @Test
    void start_sweepsFoldersOfGoneDomainsOfItsUri_leavingFreshRunningForeignAndUnmarkedOnes() throws Exception {
        // libvirt's QEMU runs as a user of its own, which must reach the disks staged in there.
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Path host = Files.createDirectories(dir.resolve("host"));
        java.nio.file.attribute.FileTime hourAgo = java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minus(Duration.ofHours(1)));
        Path gone = planted(host, "jcap-0000dead", "qemu:///system", hourAgo);
        Path fresh = planted(host, "jcap-0000f7e5", "qemu:///system", null);
        Path foreign = planted(host, "jcap-00000e55", "qemu:///session", hourAgo);
        Path unmarked = Files.createDirectory(host.resolve("jcap-0000a0a0"));
        Files.setLastModifiedTime(unmarked, hourAgo);
        VmSpec spec = bootSectorSpec(dir, BootSector.printThenHalt(SPIN_LINE)).build();
        // A killed run's stopped domain, and a stopped detached instance's (named jcap-NAME-XXXXXXXX).
        Path killed = planted(host, "jcap-0000bead", "qemu:///system", hourAgo);
        Path detached = planted(host, "jcap-keep-0000beef", "qemu:///system", hourAgo);
        org.libvirt.Connect connect = LibvirtConnections.open(LibvirtUri.SYSTEM);
        try {
            for (Path folder : List.of(killed, detached)) {
                String domain = folder.getFileName().toString();
                connect.domainDefineXML(DomainXml.of(domain, spec, folder.resolve("console.log").toString(),
                        List.of()));
                Files.setLastModifiedTime(folder, hourAgo);
            }
            sweptByTheNextRun(host, spec, hourAgo, gone);
            assertFalse(domainExists("jcap-0000bead"), "a killed run's stopped domain is undefined");
            assertFalse(Files.exists(killed), "a killed run's folder is kept");
            assertTrue(domainExists("jcap-keep-0000beef"), "a detached instance's stopped domain was undefined");
            assertTrue(Files.isDirectory(detached), "a detached instance's folder was removed");
        } finally {
            for (String domain : List.of("jcap-0000bead", "jcap-keep-0000beef")) {
                LibvirtConnections.findDomain(connect, domain).ifPresent(d -> {
                    try {
                        d.undefine();
                    } catch (org.libvirt.LibvirtException e) {
                        throw new IllegalStateException(e);
                    }
                });
            }
            LibvirtConnections.closeQuietly(connect);
        }
        assertTrue(Files.isDirectory(fresh), "a folder touched within the quiet time was removed");
        assertTrue(Files.isDirectory(foreign), "the folder of another daemon's domain was removed");
        assertTrue(Files.isDirectory(unmarked), "a folder without its URI file was removed");
    }

    /** Two runs in {@code host}: the first sweeps {@code gone}, the second leaves the first's (running) folder. */
    private static void sweptByTheNextRun(Path host, VmSpec spec, java.nio.file.attribute.FileTime hourAgo, Path gone)
            throws Exception {
        try (LibvirtVm first = new LibvirtVm(spec).withHostFolder(host.toString())) {
            first.start();
            first.awaitLine(line -> line.equals(SPIN_LINE), BOOT);
            Path running = Path.of(first.domainFolder());
            Files.setLastModifiedTime(running, hourAgo);
            assertFalse(Files.exists(gone), "the folder of a domain libvirt no longer knows is kept");

            try (LibvirtVm second = new LibvirtVm(spec).withHostFolder(host.toString())) {
                second.start();

                assertTrue(Files.isDirectory(running), "a running domain's folder was removed");
            }
        }
    }

    private static boolean persistent(String name) throws Exception {
        org.libvirt.Connect connect = LibvirtConnections.open(LibvirtUri.SYSTEM);
        try {
            return connect.domainLookupByName(name).isPersistent() == 1;
        } finally {
            LibvirtConnections.closeQuietly(connect);
        }
    }

    private static Path planted(Path host, String name, String uri, java.nio.file.attribute.FileTime modified)
            throws Exception {
        Path folder = Files.createDirectory(host.resolve(name));
        Files.writeString(folder.resolve(HostFiles.URI_FILE), uri + "\n");
        Files.writeString(folder.resolve("console.log"), "");
        if (modified != null) {
            Files.setLastModifiedTime(folder, modified);
        }
        return folder;
    }
}
