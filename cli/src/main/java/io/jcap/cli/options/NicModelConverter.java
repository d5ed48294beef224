package io.jcap.cli.options;

import io.jcap.hypervisor.NicModel;

/** {@code virtio}, {@code e1000}, {@code e1000e} or {@code vmxnet3}, as {@link NicModel#parse} reads it. */
public final class NicModelConverter extends DomainValueConverter<NicModel> {
    public NicModelConverter() {
        super(NicModel::parse);
    }
}
