package io.jcap.hypervisor.qemu;

import io.jcap.hypervisor.BootSector;
import io.jcap.hypervisor.SpinningGuest;
import io.jcap.hypervisor.VmSpec;
import io.jcap.model.EnvironmentException;
import io.jcap.testsupport.Requirements;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** What the QEMU integration tests share: finding QEMU, the tiny guests, polling for a dead process. */
final class QemuTestSupport {
    static final String SPIN_LINE = SpinningGuest.SPIN_LINE;
    static final Duration BOOT = Duration.ofSeconds(60);

    private QemuTestSupport() {
    }

    /** The installed QEMU; a test skips without one, except under CI=true where that is a failure. */
    static QemuInstallation qemu() {
        try {
            return QemuInstallation.detect();
        } catch (EnvironmentException e) {
            return Requirements.missing("QEMU: " + e.getMessage());
        }
    }

    /** A TCG VM booting {@code sector} from a virtio disk, with the debug-exit device. */
    static VmSpec.Builder bootSectorSpec(Path dir, byte[] sector) throws IOException {
        return SpinningGuest.bootSectorSpec(dir, sector, drive -> drive).extraArgs("-device", BootSector.DEBUG_EXIT_DEVICE);
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
