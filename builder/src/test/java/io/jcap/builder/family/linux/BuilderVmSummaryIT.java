package io.jcap.builder.family.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.builder.TestMachine;
import io.jcap.builder.compose.GuestConfig;
import io.jcap.builder.compose.ImageComposer;
import io.jcap.hypervisor.Accelerator;
import io.jcap.kernels.Initramfs;
import io.jcap.kernels.Kernel;
import io.jcap.model.EventSink;
import io.jcap.model.FileContent;
import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import io.jcap.model.ImageTree;
import io.jcap.streamer.GuestStreamer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A build whose connection loses the guest's summary, the fault QEMU's user network sometimes
 * causes under load, produced on demand by the real builder guest ({@code jcap.drop_summary=1}:
 * it prints the summary on its console and never sends it): the host takes the console's.
 */
class BuilderVmSummaryIT {
    @TempDir
    Path temp;

    @Test
    void fill_summaryLostOnTheConnection_isTakenFromTheConsoleAndChecked() throws Exception {
        Kernel kernel = TestMachine.linuxKernel();
        ImageTree tree = ImageComposer.compose(List.of(new ImageEntry.RegularFile(GuestPath.of("/app/greeting"), 0755,
                        FileContent.of("hello\n".getBytes(StandardCharsets.UTF_8)))),
                new GuestConfig(List.of("/app/greeting"), new TreeMap<>(Map.of()), GuestPath.ROOT),
                LinuxBoot.bootFiles(kernel, new Initramfs().runInitramfs(kernel), "ext4",
                        LinuxBoot.rootUuid("test")));
        List<String> log = new CopyOnWriteArrayList<>();
        EventSink events = new EventSink() {
            @Override
            public void log(Level level, String message) {
                log.add(message);
            }

            @Override
            public void progress(String task, long done, long total) {
            }
        };

        GuestStreamer.StreamResult result = new BuilderVm(TestMachine.qemu(), events, " jcap.drop_summary=1")
                .fill(temp.resolve("disk.raw"), 64L << 20, kernel, "ext4", LinuxBoot.rootUuid("test"),
                        tree.entries(), Accelerator.TCG, temp);

        assertEquals(result.sent().entries(), result.confirmed().entries());
        assertEquals(result.sent().crc32(), result.confirmed().crc32());
        assertTrue(log.contains("The connection lost the guest's summary; took it from the console"),
                String.join("\n", log));
    }
}
