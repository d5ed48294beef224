package io.jcap.hypervisor;

import java.util.Locale;

/** How QEMU runs guest code: hardware virtualisation (KVM) or software emulation (TCG). */
public enum Accelerator {
    KVM, TCG;

    /** The name {@code -accel} takes. */
    public String qemuName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
