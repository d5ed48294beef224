package io.jcap.hypervisor.qemu;

import io.jcap.hypervisor.BootSector;
import io.jcap.hypervisor.SpinningGuest;
import java.nio.file.Path;

/**
 * Run in a child JVM by {@link ShutdownHookIT}: starts a guest that runs until stopped, prints
 * the QEMU pid and temporary folder, and waits until the JVM is told to end.
 */
public final class SpinningVmMain {
    private SpinningVmMain() {
    }

    public static void main(String[] args) throws Exception {
        QemuVm vm = new QemuVm(QemuInstallation.detect(),
                QemuTestSupport.bootSectorSpec(Path.of(args[0]), BootSector.printThenHalt(SpinningGuest.SPIN_LINE)).build());
        SpinningGuest.spinUntilKilled(vm, () -> vm.pid() + " " + vm.workDirectory());
    }
}
