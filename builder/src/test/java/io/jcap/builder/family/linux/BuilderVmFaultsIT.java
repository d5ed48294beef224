package io.jcap.builder.family.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.builder.TestMachine;
import io.jcap.builder.compose.GuestConfig;
import io.jcap.builder.compose.ImageComposer;
import io.jcap.hypervisor.Accelerator;
import io.jcap.kernels.Initramfs;
import io.jcap.kernels.Kernel;
import io.jcap.model.FileContent;
import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import io.jcap.model.ImageTree;
import io.jcap.streamer.GuestStreamer;
import io.jcap.testsupport.RecordedEvents;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults of a builder guest under load, produced on demand by the real builder guest:
 * <ul>
 * <li>a connection that loses the guest's summary, as QEMU's user network sometimes does
 *     ({@code jcap.drop_summary=1}: the guest prints the summary on its console and never sends
 *     it): the host takes the console's;
 * <li>a guest that finished (file system unmounted, disk synced, JCAP-BUILD-DONE) and then never
 *     powers off, as a guest kernel that locked up in its shutdown under TCG did in CI
 *     ({@code soft lockup ... ksoftirqd}; {@code jcap.stall_power_off=1}): the build ends with a
 *     warning once the grace ran out, QEMU stopped, instead of failing two minutes later.
 * </ul>
 */
class BuilderVmFaultsIT {
    @TempDir
    Path temp;

    @Test
    void fill_summaryLostOnTheConnection_isTakenFromTheConsoleAndChecked() throws Exception {
        Kernel kernel = TestMachine.linuxKernel();
        ImageTree tree = greeting(kernel);
        RecordedEvents events = new RecordedEvents();

        GuestStreamer.StreamResult result = new BuilderVm(TestMachine.qemu(), events, " jcap.drop_summary=1")
                .fill(temp.resolve("disk.raw"), 64L << 20, kernel, "ext4", LinuxBoot.rootUuid("test"),
                        tree.entries(), Accelerator.TCG, temp);

        assertEquals(result.sent().entries(), result.confirmed().entries());
        assertEquals(result.sent().xxh64(), result.confirmed().xxh64());
        assertTrue(events.lines().contains("DEBUG The connection lost the guest's summary; took it from the console"),
                String.join("\n", events.lines()));
    }

    @Test
    void fill_guestStuckAfterBuildDone_isStoppedAfterTheGraceAndTheBuildSucceeds() throws Exception {
        Kernel kernel = TestMachine.linuxKernel();
        RecordedEvents events = new RecordedEvents();

        GuestStreamer.StreamResult result = new BuilderVm(TestMachine.qemu(), events, " jcap.stall_power_off=1")
                .fill(temp.resolve("disk.raw"), 64L << 20, kernel, "ext4", LinuxBoot.rootUuid("test"),
                        greeting(kernel).entries(), Accelerator.TCG, temp);

        assertEquals(result.sent().entries(), result.confirmed().entries());
        assertEquals(result.sent().xxh64(), result.confirmed().xxh64());
        assertTrue(events.lines().contains("WARN The guest finished but did not power off within 15 s; stopping QEMU"),
                String.join("\n", events.lines()));
    }

    /** An image of one small file and the boot files. */
    private static ImageTree greeting(Kernel kernel) throws Exception {
        return ImageComposer.compose(List.of(new ImageEntry.RegularFile(GuestPath.of("/app/greeting"), 0755,
                        FileContent.of("hello\n".getBytes(StandardCharsets.UTF_8)))),
                new GuestConfig(List.of("/app/greeting"), new TreeMap<>(Map.of()), GuestPath.ROOT),
                LinuxBoot.bootFiles(kernel, new Initramfs().runInitramfs(kernel), "ext4",
                        LinuxBoot.rootUuid("test")));
    }
}
