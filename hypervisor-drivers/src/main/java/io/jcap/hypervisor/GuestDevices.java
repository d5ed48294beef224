package io.jcap.hypervisor;

import java.util.Objects;

/**
 * The controller of a guest's disks and the model of its network card, when they are to be
 * other than virtio: to try an image on the devices a cloud gives its machines.
 *
 * <pre>{@code
 * GuestDevices nitroLike = new GuestDevices(DiskBus.NVME, NicModel.VIRTIO);
 * }</pre>
 */
public record GuestDevices(DiskBus disk, NicModel nic) {
    /** virtio-blk and virtio-net. */
    public static final GuestDevices VIRTIO = new GuestDevices(DiskBus.VIRTIO, NicModel.VIRTIO);

    public GuestDevices {
        Objects.requireNonNull(disk, "disk");
        Objects.requireNonNull(nic, "nic");
    }

    /**
     * Whether these are virtio's disk and network card: what every run asks, answered without the
     * record's {@code equals}, whose first call is linked through ObjectMethods (about 10 ms of
     * {@code jcap run}'s start, docs/benchmarks-mini.md).
     */
    public boolean isVirtio() {
        return disk == DiskBus.VIRTIO && nic == NicModel.VIRTIO;
    }
}
