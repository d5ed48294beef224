package io.jcap.hypervisor.qemu;

import static io.jcap.hypervisor.qemu.QemuTestSupport.goneWithin;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.hypervisor.SpinningGuest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShutdownHookIT {
    @Test
    void jvmTerminated_killsItsQemuAndRemovesTempFolder(@TempDir Path dir) throws Exception {
        QemuTestSupport.qemu();
        Process child = SpinningGuest.startChild(SpinningVmMain.class, dir);
        try {
            String[] parts = SpinningGuest.awaitVmLine(child);
            long qemuPid = Long.parseLong(parts[1]);
            Path workDir = Path.of(parts[2]);
            assertTrue(Files.isDirectory(workDir));

            child.destroy();

            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child JVM did not end");
            assertTrue(goneWithin(qemuPid, Duration.ofSeconds(30)), "QEMU " + qemuPid + " outlived its JVM");
            assertFalse(Files.exists(workDir));
        } finally {
            child.destroyForcibly();
        }
    }
}
