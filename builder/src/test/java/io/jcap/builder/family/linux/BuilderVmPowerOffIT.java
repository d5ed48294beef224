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
 * A builder guest that finished (file system unmounted, disk synced, JCAP-BUILD-DONE) and then
 * never powers off, as a guest kernel that locked up in its shutdown under TCG did in CI
 * ({@code soft lockup ... ksoftirqd}), produced on demand by the real builder guest
 * ({@code jcap.stall_power_off=1}): the build ends with a warning once the grace ran out, with
 * the stream confirmed and QEMU gone, instead of failing two minutes later.
 */
class BuilderVmPowerOffIT {
    @TempDir
    Path temp;

    @Test
    void fill_guestStuckAfterBuildDone_isStoppedAfterTheGraceAndTheBuildSucceeds() throws Exception {
        Kernel kernel = TestMachine.linuxKernel();
        ImageTree tree = ImageComposer.compose(List.of(new ImageEntry.RegularFile(GuestPath.of("/app/greeting"), 0755,
                        FileContent.of("hello\n".getBytes(StandardCharsets.UTF_8)))),
                new GuestConfig(List.of("/app/greeting"), new TreeMap<>(Map.of()), GuestPath.ROOT),
                LinuxBoot.bootFiles(kernel, new Initramfs().runInitramfs(kernel), "ext4",
                        LinuxBoot.rootUuid("test")));
        RecordedEvents events = new RecordedEvents();

        GuestStreamer.StreamResult result = new BuilderVm(TestMachine.qemu(), events, " jcap.stall_power_off=1")
                .fill(temp.resolve("disk.raw"), 64L << 20, kernel, "ext4", LinuxBoot.rootUuid("test"),
                        tree.entries(), Accelerator.TCG, temp);

        assertEquals(result.sent().entries(), result.confirmed().entries());
        assertEquals(result.sent().crc32(), result.confirmed().crc32());
        assertTrue(events.lines().contains("WARN The guest finished but did not power off within 15 s; stopping QEMU"),
                String.join("\n", events.lines()));
    }
}
