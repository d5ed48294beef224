package io.jcap.kernels.osv;

import io.jcap.model.JcapException;
import java.nio.file.Path;

/**
 * A file is neither OSv's loader image nor OSv's ZFS builder kernel. Carries the bare reason, so
 * that a caller that tried other kinds of kernel first can say everything in one line.
 */
public final class NotAnOsvKernelException extends JcapException {
    private final Path file;
    private final String reason;

    NotAnOsvKernelException(Path file, String reason) {
        super(file + " is neither an OSv loader image nor an OSv ZFS builder kernel (" + reason
                + "); bring OSv's loader.img (osv-loader.qemu) or zfs_builder.elf (osv-zfs-builder.elf)");
        this.file = file;
        this.reason = reason;
    }

    public Path file() {
        return file;
    }

    /** Why, such as "it has neither an ELF header nor the boot signature 55 AA at byte 510". */
    public String reason() {
        return reason;
    }
}
