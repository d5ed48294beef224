package io.jcap.hypervisor.libvirt;

import io.jcap.hypervisor.SpinningGuest;
import java.nio.file.Path;

/**
 * Run in a child JVM by {@link LibvirtShutdownIT}: starts a libvirt guest that runs until
 * stopped, prints the domain name and folder, and waits until the JVM is told to end.
 */
public final class SpinningDomainMain {
    private SpinningDomainMain() {
    }

    public static void main(String[] args) throws Exception {
        LibvirtVm vm = new LibvirtVm(LibvirtTestSupport.bootSectorSpec(Path.of(args[0]),
                io.jcap.hypervisor.BootSector.printThenHalt(SpinningGuest.SPIN_LINE)).build());
        SpinningGuest.spinUntilKilled(vm, () -> vm.domainName() + " " + vm.domainFolder());
    }
}
