package io.jcap.builder.family.osv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.builder.TestMachine;
import io.jcap.builder.compose.GuestConfig;
import io.jcap.builder.compose.ImageComposer;
import io.jcap.builder.family.linux.LinuxBoot;
import io.jcap.formats.DiskFormat;
import io.jcap.formats.cpio.StreamStats;
import io.jcap.hypervisor.Accelerator;
import io.jcap.hypervisor.Drive;
import io.jcap.hypervisor.PortForward;
import io.jcap.hypervisor.VmException;
import io.jcap.hypervisor.VmSpec;
import io.jcap.hypervisor.qemu.QemuInstallation;
import io.jcap.kernels.BootLoader;
import io.jcap.kernels.Initramfs;
import io.jcap.kernels.Kernel;
import io.jcap.model.EventSink;
import io.jcap.model.FileContent;
import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import io.jcap.model.ImageTree;
import io.jcap.testsupport.PowerOffBootSector;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host side of the ZFS build path (OSv's cpiod protocol: readiness line, silent guest,
 * half-close, wait for the guest's close and QEMU's exit) against a real guest. No OSv kernel can
 * be had here, so the guest is jcap's own Linux builder, which reads the same newc stream; its
 * banner and {@code OK} line are bytes the OSv-mode host must ignore, and its {@code JCAP-READY}
 * line stands in for OSv's "Waiting for connection from host...".
 */
class CpiodBuilderVmIT {
    private static final CpiodBuilderVm.GuestSignals JCAP_INIT = new CpiodBuilderVm.GuestSignals(
            "jcap's readiness line", l -> l.startsWith("JCAP-READY"), l -> l.startsWith("JCAP-ERROR"));
    private static final CpiodBuilderVm.Timeouts BOUNDS = new CpiodBuilderVm.Timeouts(Duration.ofSeconds(120),
            Duration.ofSeconds(60), Duration.ofSeconds(120), Duration.ofSeconds(120));
    private static final byte[] GREETING = "hello through the OSv path\n".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path temp;
    private final List<String> console = new CopyOnWriteArrayList<>();
    private final EventSink events = new EventSink() {
        @Override
        public void log(Level level, String message) {
            console.add(message);
        }

        @Override
        public void progress(String task, long done, long total) {
        }
    };

    @Test
    void fill_jcapBuilderInOsvMode_closesPowersOffAndLeavesTheFilesOnDisk() throws Exception {
        QemuInstallation qemu = TestMachine.qemu();
        Kernel kernel = TestMachine.linuxKernel();
        Path disk = temp.resolve("disk.raw");
        Path tool = Files.copy(Path.of("/bin/true"), temp.resolve("tool"));
        ImageTree tree = ImageComposer.compose(List.of(
                        new ImageEntry.RegularFile(GuestPath.of("/app/greeting"), 0640, FileContent.of(GREETING)),
                        new ImageEntry.RegularFile(GuestPath.of("/app/tool"), 0755, FileContent.of(tool)),
                        new ImageEntry.Symlink(GuestPath.of("/app/run"), "tool")),
                new GuestConfig(List.of("/app/tool"), new TreeMap<>(Map.of()), GuestPath.ROOT),
                LinuxBoot.bootFiles(kernel, new Initramfs().runInitramfs(kernel), "ext4",
                        LinuxBoot.rootUuid("test")));

        StreamStats sent = new CpiodBuilderVm(qemu, events, BOUNDS)
                .fill(linuxBuilder(kernel, disk), LinuxBoot.BUILDER_PORT, JCAP_INIT, tree.entries());

        // Every entry but the root folder, which OSv's cpiod cannot take.
        assertEquals(tree.entries().size() - 1, sent.entries());
        // fill returned: the guest closed the connection and QEMU exited 0 with no error line.
        assertTrue(console.contains("builder: JCAP-BUILD-DONE"), String.join("\n", console));
        String device = disk + "?offset=" + (BootLoader.PARTITION_START * 512);
        assertEquals(new String(GREETING, StandardCharsets.UTF_8), debugfs("cat /app/greeting", device));
        assertEquals(Files.size(tool), debugfs("cat /app/tool", device).getBytes(StandardCharsets.ISO_8859_1).length);
        String ls = debugfs("ls -p /app", device);
        assertTrue(ls.contains("/100640/0/0/greeting/" + GREETING.length + "/"), ls);
        assertTrue(ls.contains("/100755/0/0/tool/"), ls);
        assertTrue(debugfs("stat /app/run", device).contains("Fast link dest: \"tool\""));
    }

    @Test
    void fill_guestThatFails_reportsItsErrorLineWithTheConsole() throws Exception {
        QemuInstallation qemu = TestMachine.qemu();
        Kernel kernel = TestMachine.linuxKernel();
        // Without /boot/extlinux the jcap guest cannot install its boot loader and says so.
        ImageTree tree = new ImageTree().add(new ImageEntry.RegularFile(GuestPath.of("/app/greeting"), 0644,
                FileContent.of(GREETING)));
        VmException e = assertThrows(VmException.class, () -> new CpiodBuilderVm(qemu, events, BOUNDS)
                .fill(linuxBuilder(kernel, temp.resolve("disk.raw")), LinuxBoot.BUILDER_PORT, JCAP_INIT, tree.entries()));
        assertTrue(e.summary().startsWith("the builder guest failed: JCAP-ERROR the image has no /boot/extlinux folder"),
                e.getMessage());
        assertTrue(e.getMessage().contains("; last console lines:\n    "), e.getMessage());
    }

    @Test
    void fill_guestThatNeverPrintsTheReadinessLine_failsWithinTheBoundShowingTheConsole() throws Exception {
        QemuInstallation qemu = TestMachine.qemu();
        Kernel kernel = TestMachine.linuxKernel();
        CpiodBuilderVm.Timeouts bounds = new CpiodBuilderVm.Timeouts(Duration.ofSeconds(30), Duration.ofSeconds(10),
                Duration.ofSeconds(10), Duration.ofSeconds(10));
        VmException e = assertThrows(VmException.class, () -> new CpiodBuilderVm(qemu, events, bounds)
                .fill(linuxBuilder(kernel, temp.resolve("disk.raw")), LinuxBoot.BUILDER_PORT,
                        CpiodBuilderVm.GuestSignals.OSV, List.of()));
        assertEquals("the console did not show OSv's line \"Waiting for connection from host...\" within 30 s; QEMU was"
                + " stopped", e.summary());
        assertTrue(e.consoleTail().contains("JCAP-READY port=10000"), String.join("\n", e.consoleTail()));
        assertTrue(e.getMessage().contains("\n    JCAP-READY port=10000"), e.getMessage());
        assertFalse(e.vmExitCode().isPresent());
    }

    @Test
    void fill_builderThatAbortsAndHalts_failsWithinSecondsWithItsBacktrace() throws Exception {
        QemuInstallation qemu = TestMachine.qemu();
        // OSv after an abort: the readiness line, then "Aborted" and a backtrace, then it halts
        // without powering off and never closes a connection.
        Path disk = temp.resolve("aborting.raw");
        Files.write(disk, PowerOffBootSector.haltingSector(OsvZfsDisk.READY_LINE, "Adding /app...", "Aborted",
                "[backtrace]", "0x0000000040221d5c <abort(char const*, ...)+268>"));
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            f.setLength(1 << 20); // SeaBIOS cannot read a disk of one sector
        }
        VmSpec spec = VmSpec.builder().accelerator(Accelerator.TCG).memoryMiB(64)
                .drive(Drive.virtio(disk, DiskFormat.RAW).withBootIndex(0))
                .userNetwork(PortForward.tcp(0, OsvZfsDisk.CPIOD_PORT))
                .noReboot(true).build();
        ImageTree tree = new ImageTree().add(new ImageEntry.RegularFile(GuestPath.of("/app/greeting"), 0644,
                FileContent.of(GREETING)));
        long started = System.nanoTime();
        VmException e = assertThrows(VmException.class, () -> new CpiodBuilderVm(qemu, events,
                CpiodBuilderVm.Timeouts.DEFAULT).fill(spec, OsvZfsDisk.CPIOD_PORT, CpiodBuilderVm.GuestSignals.OSV,
                tree.entries()));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "the build ended after " + took + ": " + e.getMessage());
        assertEquals("the builder guest failed: Aborted", e.summary());
        assertTrue(e.consoleTail().contains("[backtrace]"), String.join("\n", e.consoleTail()));
    }

    /** jcap's Linux builder VM as {@link BuilderVm} boots it, on a fresh 64 MiB disk with jcap's MBR. */
    private VmSpec linuxBuilder(Kernel kernel, Path disk) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            f.setLength(64 << 20);
        }
        new BootLoader().writeMbr(disk);
        Path initrd = temp.resolve("initrd.cpio");
        new Initramfs().writeBuilderInitramfs(kernel, initrd);
        return VmSpec.builder().accelerator(Accelerator.TCG).memoryMiB(256).kernel(kernel.vmlinuz()).initrd(initrd)
                .append(LinuxBoot.builderAppend("ext4", LinuxBoot.rootUuid("test"), 64L << 20, 0) + " jcap.part=1")
                .drive(Drive.virtio(disk, DiskFormat.RAW))
                .userNetwork(PortForward.tcp(0, LinuxBoot.BUILDER_PORT)).noReboot(true).build();
    }

    private static String debugfs(String request, String device) throws Exception {
        Process p = new ProcessBuilder("debugfs", "-R", request, device)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        return new String(out, StandardCharsets.ISO_8859_1);
    }
}
