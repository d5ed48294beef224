package io.jcap.cli.options;

import io.jcap.hypervisor.DiskBus;

/** {@code virtio}, {@code scsi} or {@code nvme}, as {@link DiskBus#parse} reads it. */
public final class DiskBusConverter extends DomainValueConverter<DiskBus> {
    public DiskBusConverter() {
        super(DiskBus::parse);
    }
}
