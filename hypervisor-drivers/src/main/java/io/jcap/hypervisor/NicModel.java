package io.jcap.hypervisor;

import java.util.Locale;

/**
 * The network card the guest gets on QEMU's user network: virtio-net, or one of the emulated
 * cards whose drivers clouds' images carry.
 *
 * <pre>{@code
 * VmSpec spec = VmSpec.builder().userNetwork(forwards).nic(NicModel.VMXNET3).build();
 * }</pre>
 */
public enum NicModel {
    /** virtio-net on PCI: QEMU's, OpenStack's and GCE's older machines' card. */
    VIRTIO("virtio-net-pci"),
    /** Intel 82540EM, QEMU's classic default. */
    E1000("e1000"),
    /** Intel 82574L. */
    E1000E("e1000e"),
    /** VMware's paravirtual card (VMware-based OpenStack clouds). */
    VMXNET3("vmxnet3");

    private final String qemuDevice;

    NicModel(String qemuDevice) {
        this.qemuDevice = qemuDevice;
    }

    /** QEMU's {@code -device} name. */
    public String qemuDevice() {
        return qemuDevice;
    }

    /** {@code virtio}, {@code e1000}, {@code e1000e} or {@code vmxnet3}, as users write it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The model named {@code text} ({@link #label()}); a one-line error lists the choices. */
    public static NicModel parse(String text) {
        for (NicModel model : values()) {
            if (model.label().equals(text)) {
                return model;
            }
        }
        throw new IllegalArgumentException("unknown network card '" + text + "': use virtio, e1000, e1000e or vmxnet3");
    }
}
