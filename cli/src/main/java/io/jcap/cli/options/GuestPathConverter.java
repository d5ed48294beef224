package io.jcap.cli.options;

import io.jcap.model.GuestPath;

/** An absolute path inside an image ({@code /app/lib}), as {@link GuestPath#of} reads it. */
public final class GuestPathConverter extends DomainValueConverter<GuestPath> {
    public GuestPathConverter() {
        super(GuestPath::of);
    }
}
