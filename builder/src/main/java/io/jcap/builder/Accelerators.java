package io.jcap.builder;

import io.jcap.hypervisor.qemu.Accelerator;
import io.jcap.hypervisor.qemu.AcceleratorProbe;
import io.jcap.hypervisor.qemu.AcceleratorVerdict;
import io.jcap.hypervisor.qemu.QemuInstallation;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.util.Optional;

/** Picks the accelerator: the user's choice, else KVM only when a probe guest shows it works. */
final class Accelerators {
    private Accelerators() {
    }

    static Accelerator choose(QemuInstallation qemu, JcapHome home, Optional<Accelerator> requested, EventSink events)
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
}
