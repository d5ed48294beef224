package io.jcap.builder.family;

import io.jcap.builder.api.JcapHome;
import io.jcap.hypervisor.Accelerator;
import io.jcap.hypervisor.AcceleratorVerdict;
import io.jcap.hypervisor.Driver;
import io.jcap.hypervisor.qemu.QemuDriver;
import io.jcap.hypervisor.qemu.QemuInstallation;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.util.Optional;

/**
 * Picks the accelerator: the user's choice, else KVM only when a probe guest shows it works here
 * (or, for a remote libvirt host, there). KVM asked for where the probe found it unusable is kept
 * (the user's call), with a warning: on a software virtualiser behind {@code /dev/kvm} a guest
 * takes minutes to show anything, which looks like a hang.
 */
public final class Accelerators {
    private Accelerators() {
    }

    /** For a build, which runs QEMU here. */
    public static Accelerator choose(QemuInstallation qemu, JcapHome home, Optional<Accelerator> requested, EventSink events)
            throws JcapException {
        return choose(new QemuDriver(qemu, home.cache()), requested, events);
    }

    /**
     * For a run: the user's choice, else what {@code driver} judges where its guests run (for a
     * remote libvirt host, a probe guest there: this machine's verdict says nothing about another's KVM).
     */
    public static Accelerator choose(Driver driver, Optional<Accelerator> requested, EventSink events) throws JcapException {
        if (requested.isPresent()) {
            events.debug("Accelerator: " + requested.get().qemuName() + " (as asked)");
            if (requested.get() == Accelerator.KVM) {
                AcceleratorVerdict verdict = driver.chooseAccelerator(events);
                if (verdict.accelerator() != Accelerator.KVM) {
                    events.warn("--accel kvm: KVM did not work here when probed (" + verdict.reason()
                            + "); the guest may take minutes to show anything, or fail. "
                            + "--accel auto picks what works");
                }
            }
            return requested.get();
        }
        AcceleratorVerdict verdict = driver.chooseAccelerator(events);
        // Said once, when probed; every run's "Booting ... (tcg, ...)" line names it after that.
        String line = "Accelerator: " + verdict.accelerator().qemuName() + " (" + verdict.reason()
                + (verdict.cached() ? ", probed earlier" : "") + ")";
        if (verdict.cached()) {
            events.debug(line);
        } else {
            events.info(line);
        }
        return verdict.accelerator();
    }
}
