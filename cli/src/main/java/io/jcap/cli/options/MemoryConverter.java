package io.jcap.cli.options;

import io.jcap.model.ByteSize;
import io.jcap.model.GuestMemory;

/**
 * A guest's memory ({@code -m 256M}, {@code -m 1g}, {@code -m 512MiB}): the rules of
 * {@link GuestMemory}, the same as the Capstanfile's {@code memory}.
 */
public final class MemoryConverter extends DomainValueConverter<ByteSize> {
    public MemoryConverter() {
        super(text -> GuestMemory.parse(text).size());
    }
}
