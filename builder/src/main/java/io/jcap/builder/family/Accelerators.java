package io.jcap.builder.family;

import io.jcap.builder.api.JcapHome;
import io.jcap.hypervisor.libvirt.LibvirtAcceleratorProbe;
import io.jcap.hypervisor.libvirt.LibvirtUri;
import io.jcap.hypervisor.qemu.Accelerator;
import io.jcap.hypervisor.qemu.AcceleratorProbe;
import io.jcap.hypervisor.qemu.AcceleratorVerdict;
import io.jcap.hypervisor.qemu.QemuInstallation;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.util.Optional;

/**
 * Picks the accelerator: the user's choice, else KVM only when a probe guest shows it works here
 * (or, for a remote libvirt host, there).
 */
public final class Accelerators {
    private Accelerators() {
    }

    public static Accelerator choose(QemuInstallation qemu, JcapHome home, Optional<Accelerator> requested, EventSink events)
            throws JcapException {
        if (requested.isPresent()) {
            events.info("Accelerator: " + requested.get().qemuName() + " (as asked)");
            return requested.get();
        }
        AcceleratorVerdict verdict = new AcceleratorProbe(qemu, home.cache().resolve("accelerator.json")).decide();
        events.info("Accelerator: " + verdict.accelerator().qemuName() + " (" + verdict.reason()
                + (verdict.cached() ? ", probed earlier" : "") + ")");
        return verdict.accelerator();
    }

    /**
     * For a remote libvirt host: the user's choice, else KVM only when a probe guest shows it works
     * there. This machine's verdict says nothing about another's KVM, and is not cached for it.
     */
    public static Accelerator chooseOn(LibvirtUri uri, Optional<Accelerator> requested, EventSink events)
            throws JcapException {
        if (requested.isPresent()) {
            events.info("Accelerator: " + requested.get().qemuName() + " (as asked)");
            return requested.get();
        }
        AcceleratorVerdict verdict = LibvirtAcceleratorProbe.judge(uri, events);
        events.info("Accelerator: " + verdict.accelerator().qemuName() + " (" + verdict.reason() + ")");
        return verdict.accelerator();
    }
}
