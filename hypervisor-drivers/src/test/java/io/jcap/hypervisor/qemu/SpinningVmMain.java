package io.jcap.hypervisor.qemu;

import io.jcap.hypervisor.BootSector;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Run in a child JVM by {@link ShutdownHookIT}: starts a guest that runs until stopped, prints
 * the QEMU pid and temporary folder, and waits until the JVM is told to end.
 */
public final class SpinningVmMain {
    private SpinningVmMain() {
    }

    public static void main(String[] args) throws Exception {
        QemuVm vm = new QemuVm(QemuInstallation.detect(),
                QemuTestSupport.bootSectorSpec(Path.of(args[0]), BootSector.printThenHalt(QemuTestSupport.SPIN_LINE))
                        .build());
        vm.start();
        vm.awaitLine(line -> line.equals(QemuTestSupport.SPIN_LINE), Duration.ofSeconds(60));
        System.out.println("VM " + vm.pid() + " " + vm.workDirectory());
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
