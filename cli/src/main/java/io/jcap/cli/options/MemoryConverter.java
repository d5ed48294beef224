package io.jcap.cli.options;

import io.jcap.builder.api.RunRequest;
import io.jcap.model.ByteSize;

/**
 * A guest's memory ({@code -m 256M}, {@code -m 1G}): a {@link ByteSize} of whole MiB, at least
 * {@link RunRequest#MIN_MEMORY_MIB}, that fits QEMU's {@code -m} (an int of MiB).
 */
public final class MemoryConverter extends DomainValueConverter<ByteSize> {
    public MemoryConverter() {
        super(MemoryConverter::memory);
    }

    private static ByteSize memory(String text) {
        ByteSize size = ByteSize.parse(text);
        if (size.bytes() % (1 << 20) != 0) {
            throw new IllegalArgumentException(text + " is not a whole number of MiB (use M or G: 256M, 1G)");
        }
        if (size.mebibytes() < RunRequest.MIN_MEMORY_MIB) {
            throw new IllegalArgumentException(text + " is too little memory: give at least "
                    + RunRequest.MIN_MEMORY_MIB + "M");
        }
        if (size.mebibytes() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(text + " is too much memory");
        }
        return size;
    }
}
