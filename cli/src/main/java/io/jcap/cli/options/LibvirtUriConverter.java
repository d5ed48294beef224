package io.jcap.cli.options;

import io.jcap.hypervisor.libvirt.LibvirtUri;

/**
 * {@code qemu:///system} or {@code qemu+ssh://user@host/system?keyfile=...}, as
 * {@link LibvirtUri#parse} reads it.
 */
public final class LibvirtUriConverter extends DomainValueConverter<LibvirtUri> {
    public LibvirtUriConverter() {
        super(LibvirtUri::parse);
    }
}
