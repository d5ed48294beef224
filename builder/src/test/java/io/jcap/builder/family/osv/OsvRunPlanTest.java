package io.jcap.builder.family.osv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.builder.api.BootMode;
import io.jcap.builder.api.CloudInitData;
import io.jcap.builder.api.JcapHome;
import io.jcap.builder.api.RunRequest;
import io.jcap.builder.instance.InstanceStatus;
import io.jcap.builder.repository.ImageMetadata;
import io.jcap.builder.repository.ImageRepository;
import io.jcap.formats.DiskFormat;
import io.jcap.hypervisor.Accelerator;
import io.jcap.hypervisor.Drive;
import io.jcap.hypervisor.PortForward;
import io.jcap.hypervisor.VmSpec;
import io.jcap.hypervisor.libvirt.LibvirtUri;
import io.jcap.hypervisor.qemu.QemuEnding;
import io.jcap.model.EventSink;
import io.jcap.model.ExitCode;
import io.jcap.model.JcapException;
import io.jcap.model.PortMapping;
import io.jcap.model.Sha256;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OsvRunPlanTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path temp;

    private static ImageRepository.StoredImage image() {
        ImageMetadata m = ImageMetadata.builder("app").created(Instant.EPOCH).inputsDigest(Sha256.of(new byte[0]))
                .kernel("osv", null).cmdline("--rootfs=rofs /hello").fs("rofs")
                .disk(3 * MIB, MIB, Sha256.of(new byte[1]))
                .runDefaults(256, 2, List.of(PortMapping.parse("8080:80"), PortMapping.parse("53/udp"))).build();
        return new ImageRepository.StoredImage(m, Path.of("/tmp/app/image.qcow2"));
    }

    @Test
    void spec_bootsTheDiskWithVirtioNetRngAndLoopbackForwards() {
        OsvRunPlan plan = new OsvRunPlan(image(), null, Accelerator.TCG, 256, 2,
                List.of(PortForward.tcp(8080, 80), new PortForward("127.0.0.1", 53, 53, PortForward.Protocol.UDP)),
                "--rootfs=rofs /hello", Optional.empty());

        VmSpec spec = plan.spec(Drive.virtio(Path.of("/tmp/overlay.qcow2"), DiskFormat.QCOW2));

        assertEquals(256, spec.memoryMiB());
        assertEquals(2, spec.cpus());
        assertEquals(0, spec.drives().get(0).bootIndex().getAsInt());
        assertEquals(true, spec.rng());
        assertEquals(true, spec.userNetwork());
        assertEquals(true, spec.noReboot());
        assertEquals(Optional.empty(), spec.kernel());
        assertEquals(List.of(new PortForward("127.0.0.1", 8080, 80, PortForward.Protocol.TCP),
                new PortForward("127.0.0.1", 53, 53, PortForward.Protocol.UDP)), spec.portForwards());
    }

    @Test
    void spec_directBoot_handsQemuTheKernelAndTheRunsLineAndTheDiskNoBootIndex() {
        Path kernel = Path.of("/tmp/app/boot/loader.elf");
        OsvRunPlan plan = new OsvRunPlan(image(), null, Accelerator.TCG, 256, 1, List.of(),
                "--trace=app_main,app_main_ret --strace --rootfs=rofs /hello",
                Optional.of(new OsvDirectBoot(kernel, Sha256.of(new byte[0]), true)));

        VmSpec spec = plan.spec(Drive.virtio(Path.of("/tmp/overlay.qcow2"), DiskFormat.QCOW2));

        assertEquals(Optional.of(kernel), spec.kernel());
        assertEquals(Optional.of("--trace=app_main,app_main_ret --strace --rootfs=rofs /hello"), spec.append());
        assertEquals(false, spec.drives().get(0).bootIndex().isPresent());
    }

    @Test
    void prepare_directBootOfAnImageWithoutItsKernel_saysHowToRunIt() {
        JcapException e = assertThrows(JcapException.class, () -> OsvRunPlan.prepare(new JcapHome(temp), image(),
                RunRequest.of("app").withBoot(Optional.of(BootMode.DIRECT)), EventSink.NONE));

        assertEquals("OSv image 'app' keeps no kernel beside its disk for a direct boot (its loader holds none jcap can"
                + " take out, or an older jcap built it): build it again, or run it with --boot disk", e.getMessage());
    }

    @Test
    void in_diskBootWithItsOwnLine_writesItIntoTheOverlayAndLeavesTheImageAlone() throws Exception {
        Path stored = temp.resolve("image.raw");
        byte[] disk = new byte[2 << 20];
        byte[] line = "--rootfs=rofs /hello\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(line, 0, disk, 512, line.length);
        disk[510] = 0x55;
        disk[511] = (byte) 0xAA;
        Files.write(stored, disk);
        io.jcap.hypervisor.qemu.QemuInstallation qemu = io.jcap.hypervisor.qemu.QemuInstallation.detect();
        Path qcow2 = temp.resolve("image.qcow2");
        new io.jcap.hypervisor.qemu.QemuImg(qemu.qemuImg()).convert(stored, DiskFormat.RAW, qcow2, DiskFormat.QCOW2, true);
        byte[] before = Files.readAllBytes(qcow2);
        ImageRepository.StoredImage image = new ImageRepository.StoredImage(image().metadata(), qcow2);
        OsvRunPlan plan = new OsvRunPlan(image, qemu, Accelerator.TCG, 256, 1, List.of(),
                "--env=A=1 --rootfs=rofs /bye", Optional.empty());
        Path run = Files.createDirectories(temp.resolve("run"));

        VmSpec spec = plan.in(run);

        Path raw = temp.resolve("read.raw");
        Process p = new ProcessBuilder(qemu.qemuImg().toString(),
                "convert", "-O", "raw", spec.drives().get(0).file().toString(), raw.toString()).inheritIO().start();
        assertEquals(0, p.waitFor());
        byte[] seen = Files.readAllBytes(raw);
        assertEquals("--env=A=1 --rootfs=rofs /bye", new String(seen, 512, 28, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(0, seen[512 + 28]);
        assertEquals(0x55, seen[510]);
        assertEquals(java.util.Arrays.hashCode(before), java.util.Arrays.hashCode(Files.readAllBytes(qcow2)));
        assertEquals(0, spec.drives().get(0).bootIndex().getAsInt());
    }

    @Test
    void prepare_userData_isRefusedForOsvImages() {
        JcapException e = assertThrows(JcapException.class, () -> OsvRunPlan.prepare(new JcapHome(temp), image(),
                RunRequest.of("app").withCloudInit(Optional.of(CloudInitData.of(temp.resolve("user-data")))),
                EventSink.NONE));

        assertEquals("--user-data applies to Linux images: OSv image 'app' takes its settings from -e and --cmd",
                e.getMessage());
    }

    @Test
    void prepare_interactive_isRefusedForOsvImages() {
        JcapException e = assertThrows(JcapException.class, () -> OsvRunPlan.prepare(new JcapHome(temp), image(),
                RunRequest.of("app").withInteractive(true), EventSink.NONE));

        assertEquals("-i is for Linux images: OSv's console echoes its input and has no end of file, so jcap passes no"
                + " input to OSv image 'app'", e.getMessage());
    }

    /** A libvirt domain boots the image's disk (OsvLibvirtIT runs one); a direct boot is a usage error before libvirt is asked. */
    @Test
    void prepare_libvirtWithBootDirect_isAUsageError() {
        JcapException e = assertThrows(JcapException.class, () -> OsvRunPlan.prepare(new JcapHome(temp), image(),
                RunRequest.of("app").withLibvirt(Optional.of(LibvirtUri.SYSTEM)).withBoot(Optional.of(BootMode.DIRECT)),
                EventSink.NONE));

        assertEquals(ExitCode.USAGE, e.exitCode());
        assertEquals("--boot direct needs the qemu driver: libvirt domains boot the image's disk (use --boot disk or"
                + " leave --boot out)", e.getMessage());
    }

    @Test
    void console_hidesBootAndTraceLines_andExitsWithTheApplicationsReturnCode() throws Exception {
        List<String> shown = new java.util.ArrayList<>();
        OsvConsole console = new OsvConsole(shown::add, false, false);
        for (String line : List.of("OSv v0.57.0-398-g0e34e4dc", "eth0: 10.0.2.15", "Booted up in 0.00 ms",
                "Cmdline: /fail", "/fail             0  0.213262439 app_main(app=0x60000fe57e10, cmd=/fail)",
                "about to fail", "/fail             0  0.150536448 app_main_ret(return_code=3)")) {
            console.accept(line);
        }
        assertEquals(List.of("about to fail"), shown);
        assertEquals(3, console.exitStatus(0, List.of()));

        // A trace written into the middle of a line another thread was writing: cut out, halves joined.
        List<String> joined = new java.util.ArrayList<>();
        OsvConsole split = new OsvConsole(joined::add, false, false);
        split.accept("Cmdline: /server");
        split.accept("listening on (port/server          0  0.2 app_main_ret(return_code=0)");
        split.accept(" 8080)");
        assertEquals(List.of("listening on (port 8080)"), joined);

        List<String> all = new java.util.ArrayList<>();
        OsvConsole verbose = new OsvConsole(all::add, true, false);
        verbose.accept("OSv v0.57.0-398-g0e34e4dc");
        verbose.accept("Cmdline: /hello");
        verbose.accept("hi");
        assertEquals(List.of("OSv v0.57.0-398-g0e34e4dc", "Cmdline: /hello", "hi"), all);
        assertEquals(0, verbose.exitStatus(0, List.of()), "no trace: a clean power-off is success");
    }

    @Test
    void console_failureLine_failsTheRunWhateverTheVmStatus() {
        OsvConsole console = new OsvConsole(line -> { }, false, false);
        console.accept("Cmdline: /hello");
        console.accept("Failed to load object: /hello. Powering off.");
        JcapException e = assertThrows(JcapException.class, () -> console.exitStatus(0, List.of("x")));
        assertEquals("the OSv guest failed: Failed to load object: /hello. Powering off.", e.getMessage().split(";")[0]);
    }

    /**
     * OSv's exit() shuts down without the trace of main's return (checked on a real OSv: exit(5)
     * gave no line): a run whose kernel traces the return says the status is not known.
     */
    @Test
    void console_applicationEndingWithoutReturningFromMain_exitsZeroWithACaveat_whenTheReturnIsTraced() throws Exception {
        OsvConsole traced = new OsvConsole(line -> { }, false, true);
        traced.accept("Cmdline: /e");
        traced.accept("exiting 5");
        assertEquals(0, traced.exitStatus(0, List.of()));
        assertEquals(java.util.Optional.of("the application ended without returning from main (it called exit(), or OSv"
                + " shut down): OSv reports no exit status then, so jcap run exits 0; return from main to give one"),
                traced.exitStatusCaveat());

        OsvConsole returned = new OsvConsole(line -> { }, false, true);
        returned.accept("Cmdline: /e");
        returned.accept("/e  0  0.15 app_main_ret(return_code=5)");
        assertEquals(5, returned.exitStatus(0, List.of()));
        assertEquals(java.util.Optional.empty(), returned.exitStatusCaveat());

        OsvConsole untraced = new OsvConsole(line -> { }, false, false);
        untraced.accept("Cmdline: /e");
        assertEquals(0, untraced.exitStatus(0, List.of()));
        assertEquals(java.util.Optional.empty(), untraced.exitStatusCaveat(), "a kernel without the trace: documented 0");

        OsvConsole neverStarted = new OsvConsole(line -> { }, false, true);
        neverStarted.accept("OSv v0.57.0-398-g0e34e4dc");
        assertEquals(0, neverStarted.exitStatus(0, List.of()));
        assertEquals(java.util.Optional.empty(), neverStarted.exitStatusCaveat());
    }

    /** As the Linux console says it: checked with a real OSv whose QEMU was killed with SIGKILL (status 137). */
    @Test
    void console_qemuKilledOrFailing_isNamed() {
        OsvConsole console = new OsvConsole(line -> { }, false, false);
        console.accept("Cmdline: /sleep");
        JcapException killed = assertThrows(JcapException.class, () -> console.exitStatus(137, List.of("x")));
        assertEquals("QEMU was killed by signal 9 (SIGKILL) before the application returned", killed.getMessage().split(";")[0]);
        JcapException failed = assertThrows(JcapException.class, () -> console.exitStatus(1, List.of("x")));
        assertEquals("QEMU exited with status 1", failed.getMessage().split(";")[0]);
    }

    @Test
    void instanceConsole_returnCodeStartAndOutput() throws Exception {
        Path log = Files.writeString(temp.resolve("ret.log"), "OSv v0.57\nCmdline: /fail\n"
                + "/fail  0  0.21 app_main(app=0x6, cmd=/fail)\nabout to fail\n/fail  0  0.22 app_main_ret(return_code=3)\n");
        Path booting = Files.writeString(temp.resolve("booting.log"), "OSv v0.57\neth0: 10.0.2.15\n");
        assertEquals(InstanceStatus.exited(3), OsvConsole.INSTANCES.ended(log, false, Optional.empty()));
        assertEquals(true, OsvConsole.INSTANCES.applicationStarted(log));
        assertEquals(false, OsvConsole.INSTANCES.applicationStarted(booting));
        List<String> out = new java.util.ArrayList<>();
        java.util.function.Consumer<String> filter = OsvConsole.INSTANCES.applicationOutput(java.nio.file.Path.of("/nonexistent/console.log"), out::add);
        Files.readAllLines(log).forEach(filter);
        assertEquals(List.of("about to fail"), out);
    }

    @Test
    void instanceConsole_guestThatPoweredOffByItself_exitedZeroUnlessOsvReportedAFailureOrJcapStoppedIt()
            throws Exception {
        Path quiet = Files.writeString(temp.resolve("quiet.log"), "OSv v0.57\nhello\n");
        Path failed = Files.writeString(temp.resolve("failed.log"), "OSv v0.57\nFailed to load object: /hello\n");

        assertEquals(InstanceStatus.exited(0), OsvConsole.INSTANCES.ended(quiet, false, Optional.empty()));
        assertEquals(InstanceStatus.exited(0), OsvConsole.INSTANCES.ended(quiet, false,
                Optional.of(QemuEnding.GUEST_POWER_OFF)));
        assertEquals(InstanceStatus.ended(InstanceStatus.Ending.ERROR), OsvConsole.INSTANCES.ended(failed, false,
                Optional.of(QemuEnding.GUEST_POWER_OFF)));
        assertEquals(InstanceStatus.ended(InstanceStatus.Ending.STOPPED), OsvConsole.INSTANCES.ended(quiet, true,
                Optional.of(QemuEnding.HOST)));
    }

    /** QEMU's monitor tells a guest killed from outside (checked on a real OSv) from one that powered off. */
    @Test
    void instanceConsole_noReturnCode_killedOrResetGuest_isNotExitedZero() throws Exception {
        Path running = Files.writeString(temp.resolve("running.log"), "OSv v0.57\nCmdline: /httpserver\nlistening\n");
        Path returned = Files.writeString(temp.resolve("returned.log"), "OSv v0.57\nCmdline: /fail\n"
                + "/fail  0  0.22 app_main_ret(return_code=3)\n");

        assertEquals(InstanceStatus.ended(InstanceStatus.Ending.KILLED), OsvConsole.INSTANCES.ended(running, false,
                Optional.of(QemuEnding.VANISHED)));
        assertEquals(InstanceStatus.ended(InstanceStatus.Ending.KILLED), OsvConsole.INSTANCES.ended(running, false,
                Optional.of(QemuEnding.HOST)));
        assertEquals(InstanceStatus.ended(InstanceStatus.Ending.ERROR), OsvConsole.INSTANCES.ended(running, false,
                Optional.of(QemuEnding.GUEST_FAILURE)));
        // The return code OSv traced stands, whatever ended QEMU after it.
        assertEquals(InstanceStatus.exited(3), OsvConsole.INSTANCES.ended(returned, false,
                Optional.of(QemuEnding.VANISHED)));
    }
}
