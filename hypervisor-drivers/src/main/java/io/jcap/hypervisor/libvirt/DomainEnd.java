package io.jcap.hypervisor.libvirt;

import org.libvirt.event.StoppedDetail;

/**
 * How a domain ended, as {@link LibvirtVm#awaitExit} reports it: libvirt has no exit code of
 * QEMU to give, only a reason.
 *
 * @param status {@link LibvirtVm#POWERED_OFF} or {@link LibvirtVm#STOPPED_OTHERWISE}
 * @param description what happened, for messages: "the guest powered off"
 */
record DomainEnd(int status, String description) {
    static final DomainEnd UNKNOWN = new DomainEnd(LibvirtVm.STOPPED_OTHERWISE, "the domain stopped");

    static DomainEnd of(Object detail) {
        if (detail == StoppedDetail.SHUTDOWN) {
            return new DomainEnd(LibvirtVm.POWERED_OFF, "the guest powered off");
        }
        if (detail == StoppedDetail.DESTROYED) {
            return new DomainEnd(LibvirtVm.STOPPED_OTHERWISE, "the domain was destroyed");
        }
        if (detail == StoppedDetail.FAILED || detail == StoppedDetail.CRASHED) {
            return new DomainEnd(LibvirtVm.STOPPED_OTHERWISE, "QEMU ended without a guest power-off");
        }
        return new DomainEnd(LibvirtVm.STOPPED_OTHERWISE, "the domain stopped: " + detail);
    }

    static DomainEnd connectionLost(String why) {
        return new DomainEnd(LibvirtVm.STOPPED_OTHERWISE, "the connection to libvirt broke (" + why + ")");
    }
}
