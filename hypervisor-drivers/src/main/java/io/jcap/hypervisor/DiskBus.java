package io.jcap.hypervisor;

import java.util.Locale;

/**
 * How a disk is attached to the guest: the controllers clouds give their machines, each of which
 * QEMU emulates. The guest finds the same file system on {@code /dev/vda}, {@code /dev/sda} or
 * {@code /dev/nvme0n1} (jcap's images name their root by UUID).
 *
 * <pre>{@code
 * Drive root = Drive.virtio(disk, DiskFormat.QCOW2).withBus(DiskBus.NVME);
 * }</pre>
 */
public enum DiskBus {
    /** virtio-blk on PCI: QEMU's and OpenStack's default ({@code /dev/vda}). */
    VIRTIO,
    /** A SCSI disk on a virtio-scsi controller, as GCE and some OpenStack clouds attach disks ({@code /dev/sda}). */
    SCSI,
    /** An NVMe controller, as AWS Nitro and GCE's newer machines attach disks ({@code /dev/nvme0n1}). */
    NVME;

    /** {@code virtio}, {@code scsi} or {@code nvme}, as users write it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The bus named {@code text} ({@link #label()}); a one-line error lists the choices. */
    public static DiskBus parse(String text) {
        for (DiskBus bus : values()) {
            if (bus.label().equals(text)) {
                return bus;
            }
        }
        throw new IllegalArgumentException("unknown disk bus '" + text + "': use virtio, scsi or nvme");
    }
}
