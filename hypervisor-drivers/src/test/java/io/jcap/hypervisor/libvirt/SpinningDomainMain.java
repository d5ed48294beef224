package io.jcap.hypervisor.libvirt;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Run in a child JVM by {@link LibvirtShutdownIT}: starts a libvirt guest that runs until
 * stopped, prints the domain name and folder, and waits until the JVM is told to end.
 */
public final class SpinningDomainMain {
    private SpinningDomainMain() {
    }

    public static void main(String[] args) throws Exception {
        LibvirtVm vm = new LibvirtVm(LibvirtTestSupport.bootSectorSpec(Path.of(args[0]),
                io.jcap.hypervisor.BootSector.printThenHalt(LibvirtTestSupport.SPIN_LINE)).build());
        vm.start();
        vm.awaitLine(line -> line.equals(LibvirtTestSupport.SPIN_LINE), Duration.ofSeconds(60));
        System.out.println("VM " + vm.domainName() + " " + vm.domainFolder());
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
