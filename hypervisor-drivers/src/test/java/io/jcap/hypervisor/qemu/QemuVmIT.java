package io.jcap.hypervisor.qemu;

import static io.jcap.hypervisor.qemu.QemuTestSupport.BOOT;
import static io.jcap.hypervisor.qemu.QemuTestSupport.SPIN_LINE;
import static io.jcap.hypervisor.qemu.QemuTestSupport.bootSectorSpec;
import static io.jcap.hypervisor.qemu.QemuTestSupport.goneWithin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.formats.DiskFormat;
import com.fasterxml.jackson.databind.JsonNode;
import io.jcap.hypervisor.Accelerator;
import io.jcap.hypervisor.BootSector;
import io.jcap.hypervisor.Drive;
import io.jcap.hypervisor.PortForward;
import io.jcap.hypervisor.Ports;
import io.jcap.hypervisor.VmException;
import io.jcap.hypervisor.VmSpec;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QemuVmIT {
    private static QemuInstallation qemu;

    @TempDir
    Path dir;

    @BeforeAll
    static void findQemu() throws Exception {
        qemu = QemuTestSupport.qemu();
    }

    @Test
    void awaitLine_probeGuest_returnsMarkerThenExitCode() throws Exception {
        List<String> heard = new CopyOnWriteArrayList<>();
        try (QemuVm vm = new QemuVm(qemu, bootSectorSpec(dir, BootSector.probe()).build()).withConsoleListener(heard::add)) {
            vm.start();

            String line = vm.awaitLine(Pattern.compile("PROBE-OK$"), BOOT);
            int code = vm.awaitExit(BOOT);

            assertEquals("JCAP-PROBE-OK", line);
            assertEquals(BootSector.PROBE_EXIT_CODE, code);
            assertEquals(List.of("JCAP-PROBE-OK"), heard);
            assertFalse(vm.isAlive());
        }
    }

    @Test
    void awaitLine_qemuExitsFirst_reportsExitCodeAndConsole() throws Exception {
        try (QemuVm vm = new QemuVm(qemu, bootSectorSpec(dir, BootSector.probe()).build())) {
            vm.start();

            VmException e = assertThrows(VmException.class, () -> vm.awaitLine(Pattern.compile("NEVER"), BOOT));

            assertEquals("QEMU exited with code 33 before the console showed a line matching /NEVER/;"
                    + " last console lines:\n    JCAP-PROBE-OK", e.getMessage());
            assertEquals(OptionalInt.of(33), e.vmExitCode());
        }
    }

    @Test
    void awaitLine_lineNeverPrinted_throwsWithConsoleTailAndKillsQemu() throws Exception {
        try (QemuVm vm = new QemuVm(qemu, bootSectorSpec(dir, BootSector.printThenHalt(SPIN_LINE)).build())) {
            vm.start();
            vm.awaitLine(line -> line.equals(SPIN_LINE), BOOT);

            VmException e = assertThrows(VmException.class,
                    () -> vm.awaitLine(Pattern.compile("JCAP-READY"), Duration.ofSeconds(1)));

            assertEquals("the console did not show a line matching /JCAP-READY/ within 1 s; QEMU was stopped;"
                    + " last console lines:\n    JCAP-SPIN", e.getMessage());
            assertEquals(OptionalInt.empty(), e.vmExitCode());
            assertFalse(vm.isAlive());
            assertTrue(goneWithin(vm.pid(), Duration.ZERO));
        }
    }

    /** A typo such as memory: 1T: QEMU's reason, and what was asked against what the machine has. */
    @Test
    void start_moreMemoryThanTheMachineHas_saysWhatWasAskedAndWhatTheMachineHas() throws Exception {
        try (QemuVm vm = new QemuVm(qemu, bootSectorSpec(dir, BootSector.printThenHalt(SPIN_LINE)).memoryMiB(1 << 20)
                .build())) {
            VmException e = assertThrows(VmException.class, vm::start);

            assertTrue(e.summary().startsWith("QEMU exited with code 1 while starting: qemu-system-x86_64: cannot set up"
                    + " guest memory 'pc.ram': Cannot allocate memory (the guest asks for 1048576 MiB of memory; this"
                    + " machine has "), e.summary());
            assertTrue(e.summary().endsWith(" MiB: give it less with -m, or memory: in the Capstanfile)"), e.summary());
        }
    }

    @Test
    void twoVcpusUnderTcg_runInOneHostThread() throws Exception {
        // QEMU's multi-threaded TCG, one host thread a vCPU, crashed JVMs now and then (docs/reliability.md).
        try (QemuVm vm = new QemuVm(qemu, bootSectorSpec(dir, BootSector.printThenHalt(SPIN_LINE))
                .accelerator(Accelerator.TCG).cpus(2).build())) {
            vm.start();
            vm.awaitLine(line -> line.equals(SPIN_LINE), BOOT);

            JsonNode cpus = vm.qmp().execute("query-cpus-fast");

            assertEquals(2, cpus.size(), cpus.toString());
            assertEquals(cpus.get(0).path("thread-id").asLong(), cpus.get(1).path("thread-id").asLong(), cpus.toString());
        }
    }

    @Test
    void close_runningGuest_stopsQemuAndRemovesTempFolder() throws Exception {
        QemuVm vm = new QemuVm(qemu, bootSectorSpec(dir, BootSector.printThenHalt(SPIN_LINE)).build())
                .withStopTimeout(Duration.ofMillis(500));
        vm.start();
        vm.awaitLine(line -> line.equals(SPIN_LINE), BOOT);
        Path workDir = vm.workDirectory();
        assertTrue(Files.exists(workDir.resolve("qmp.sock")));
        assertTrue(vm.killedOnShutdown());

        vm.close();
        vm.close();

        assertFalse(vm.isAlive());
        assertTrue(goneWithin(vm.pid(), Duration.ZERO));
        assertFalse(Files.exists(workDir));
        assertFalse(vm.killedOnShutdown());
    }

    @Test
    void start_missingDisk_reportsQemuErrorAndCleansUp() throws Exception {
        Path missing = dir.resolve("missing.img");
        VmSpec spec = VmSpec.builder().memoryMiB(32).drive(Drive.virtio(missing, DiskFormat.RAW)).build();
        QemuVm vm = new QemuVm(qemu, spec);

        VmException e = assertThrows(VmException.class, vm::start);

        assertEquals("QEMU exited with code 1 while starting: qemu-system-x86_64: -drive file=" + missing
                + ",format=raw,if=none,id=drive0,werror=report,rerror=report: Could not open '" + missing
                + "': No such file or directory", e.summary());
        assertEquals(OptionalInt.of(1), e.vmExitCode());
        assertFalse(Files.exists(vm.workDirectory()));
        assertFalse(vm.killedOnShutdown());
    }

    @Test
    void start_pickedPortTaken_retriesWithAnotherPort() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            AtomicInteger calls = new AtomicInteger();
            Ports.PortSupplier supplier = () -> calls.getAndIncrement() == 0 ? taken.getLocalPort() : Ports.freeLoopbackPort();
            VmSpec spec = bootSectorSpec(dir, BootSector.printThenHalt(SPIN_LINE)).userNetwork(PortForward.tcp(0, 10000))
                    .build();
            try (QemuVm vm = new QemuVm(qemu, spec).withPortSupplier(supplier).withStopTimeout(Duration.ZERO)) {
                vm.start();

                assertEquals(2, calls.get());
                assertNotEquals(taken.getLocalPort(), vm.hostPort(10000));
                assertEquals(List.of(PortForward.tcp(vm.hostPort(10000), 10000)), vm.forwards());
                assertEquals("running", vm.qmp().queryStatus());
            }
        }
    }

    @Test
    void start_fixedPortTaken_failsWithoutRetry() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = taken.getLocalPort();
            VmSpec spec = bootSectorSpec(dir, BootSector.printThenHalt(SPIN_LINE))
                    .userNetwork(PortForward.tcp(port, 10000)).build();
            QemuVm vm = new QemuVm(qemu, spec);

            VmException e = assertThrows(VmException.class, vm::start);

            String rule = "tcp:127.0.0.1:" + port + "-:10000";
            assertEquals("QEMU exited with code 1 while starting: qemu-system-x86_64: -netdev user,id=net0,hostfwd="
                    + rule + ": Could not set up host forwarding rule '" + rule + "'", e.summary());
        }
    }
}
