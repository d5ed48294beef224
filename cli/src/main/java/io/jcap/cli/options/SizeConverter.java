package io.jcap.cli.options;

import io.jcap.model.ByteSize;

/** A size in binary units, either case ({@code 512M}, {@code 10G}, {@code 1GiB}), as {@link ByteSize#parse} reads. */
public final class SizeConverter extends DomainValueConverter<ByteSize> {
    public SizeConverter() {
        super(ByteSize::parse);
    }
}
