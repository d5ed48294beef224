package io.jcap.hypervisor.qemu;

import io.jcap.hypervisor.BootSector;
import io.jcap.hypervisor.DiskFormat;
import io.jcap.hypervisor.Drive;
import io.jcap.hypervisor.VmSpec;
import io.jcap.model.EnvironmentException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Assumptions;

/** What the QEMU integration tests share: finding QEMU, the tiny guests, polling for a dead process. */
final class QemuTestSupport {
    static final String SPIN_LINE = "JCAP-SPIN";
    static final Duration BOOT = Duration.ofSeconds(60);

    private QemuTestSupport() {
    }

    /** The installed QEMU; a test skips without one, except under CI=true where that is a failure. */
    static QemuInstallation qemu() throws EnvironmentException {
        try {
            return QemuInstallation.detect();
        } catch (EnvironmentException e) {
            if ("true".equals(System.getenv("CI"))) {
                throw e;
            }
            Assumptions.abort("QEMU is not usable here: " + e.getMessage());
            throw e;
        }
    }

    /** A TCG VM booting {@code sector} from a virtio disk, with the debug-exit device. */
    static VmSpec.Builder bootSectorSpec(Path dir, byte[] sector) throws IOException {
        Path disk = dir.resolve("disk.img");
        BootSector.writeDisk(sector, disk);
        return VmSpec.builder().memoryMiB(32).drive(Drive.virtio(disk, DiskFormat.RAW).withBootIndex(0))
                .extraArgs("-device", BootSector.DEBUG_EXIT_DEVICE);
    }

    /** Whether process {@code pid} has ended, or ends within {@code bound}. */
    static boolean goneWithin(long pid, Duration bound) throws Exception {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty()) {
            return true;
        }
        try {
            handle.get().onExit().get(bound.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        }
    }
}
