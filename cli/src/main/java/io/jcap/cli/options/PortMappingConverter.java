package io.jcap.cli.options;

import io.jcap.model.PortMapping;

/**
 * {@code HOST:GUEST[/tcp|/udp]} or {@code GUEST[/tcp|/udp]} (the same port on the host), as
 * {@link PortMapping#parse} reads it.
 */
public final class PortMappingConverter extends DomainValueConverter<PortMapping> {
    public PortMappingConverter() {
        super(PortMapping::parse);
    }
}
