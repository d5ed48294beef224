package io.jcap.cli.options;

import io.jcap.model.VolumeMount;

/** {@code SOURCE:/FOLDER[:ro]}, as {@link VolumeMount#parse} reads it. */
public final class VolumeMountConverter extends DomainValueConverter<VolumeMount> {
    public VolumeMountConverter() {
        super(VolumeMount::parse);
    }
}
