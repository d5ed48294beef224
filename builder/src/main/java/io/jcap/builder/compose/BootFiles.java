package io.jcap.builder.compose;

import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import java.util.List;

/**
 * The files a kernel family puts in every image beside the application (kernel, initramfs,
 * boot loader configuration), at guest paths the application may not use.
 */
public record BootFiles(List<ImageEntry> entries, List<GuestPath> reserved) {
    public BootFiles {
        entries = List.copyOf(entries);
        reserved = List.copyOf(reserved);
    }

    /** True when {@code path} is a reserved path or lies under one. */
    public boolean reserves(GuestPath path) {
        for (GuestPath r : reserved) {
            if (path.equals(r) || path.value().startsWith(r.value() + "/")) {
                return true;
            }
        }
        return false;
    }
}
