package io.jcap.builder.family.osv;

import io.jcap.builder.family.RunConsole;
import io.jcap.builder.instance.ConsoleFollower;
import io.jcap.builder.instance.InstanceConsole;
import io.jcap.builder.instance.InstanceStatus;
import io.jcap.hypervisor.VmException;
import io.jcap.model.JcapException;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * An OSv guest's console. OSv powers the VM off when the application exits but does not report
 * its exit status, so a guest that powers off by itself counts as success, exit code 0; a console
 * line showing that OSv could not start or lost the application ({@link CpiodBuilderVm#osvFailure})
 * is an error. Every line is the application's: OSv prints little of its own.
 */
final class OsvConsole implements RunConsole {
    /** The console of detached OSv instances. */
    static final InstanceConsole INSTANCES = new InstanceConsole() {
        /** OSv has no status line, so an instance that powered off by itself reads as exited (0). */
        @Override
        public InstanceStatus ended(Path consoleLog, boolean stoppedByJcap) {
            if (stoppedByJcap) {
                return InstanceStatus.ended(InstanceStatus.Ending.STOPPED);
            }
            boolean failed = ConsoleFollower.tail(consoleLog, TAIL_BYTES).lines().anyMatch(CpiodBuilderVm::osvFailure);
            return failed ? InstanceStatus.ended(InstanceStatus.Ending.ERROR) : InstanceStatus.exited(0);
        }

        /** OSv prints no line when the application starts; it takes the power button once it booted. */
        @Override
        public boolean applicationStarted(Path consoleLog) {
            return true;
        }

        @Override
        public Consumer<String> applicationOutput(Consumer<String> lines) {
            return lines;
        }
    };
    private static final int TAIL_BYTES = 64 * 1024;

    private final Consumer<String> output;
    private final AtomicReference<String> failure = new AtomicReference<>();

    OsvConsole(Consumer<String> output) {
        this.output = output;
    }

    @Override
    public void accept(String line) {
        if (CpiodBuilderVm.osvFailure(line)) {
            failure.compareAndSet(null, line);
        }
        output.accept(line);
    }

    @Override
    public int exitStatus(int vmStatus, List<String> consoleTail) throws JcapException {
        if (failure.get() != null) {
            throw new VmException("the OSv guest failed: " + failure.get().trim(), OptionalInt.of(vmStatus),
                    consoleTail);
        }
        if (vmStatus != 0) {
            throw new VmException("QEMU exited with status " + vmStatus, OptionalInt.of(vmStatus), consoleTail);
        }
        return 0;
    }
}
