package io.jcap.cli.options;

import io.jcap.builder.api.BootMode;

/** {@code direct}, {@code disk} ({@code bios}) or {@code uefi}, as {@link BootMode#parse} reads it. */
public final class BootModeConverter extends DomainValueConverter<BootMode> {
    public BootModeConverter() {
        super(BootMode::parse);
    }
}
