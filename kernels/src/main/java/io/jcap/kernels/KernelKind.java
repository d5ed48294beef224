package io.jcap.kernels;

import java.util.Arrays;

/**
 * What a stored kernel's image file is, which decides the family it belongs to and the name of
 * the file in the kernel's folder.
 *
 * <pre>{@code
 * KernelKind kind = store.get("osv").kind(); // OSV_LOADER, family "osv", file loader.img
 * }</pre>
 */
public enum KernelKind {
    /** A Linux bzImage booted with its modules; {@code vmlinuz}. */
    BZIMAGE("bzimage", Kernel.LINUX, "vmlinuz"),
    /** OSv's loader image, copied to the start of every OSv disk; {@code loader.img}. */
    OSV_LOADER("loader", Kernel.OSV, "loader.img"),
    /** OSv's ZFS builder kernel, booted with QEMU's {@code -kernel} to write ZFS images; {@code zfs-builder.elf}. */
    OSV_ZFS_BUILDER("zfs-builder", Kernel.OSV, "zfs-builder.elf");

    private final String id;
    private final String family;
    private final String fileName;

    KernelKind(String id, String family, String fileName) {
        this.id = id;
        this.family = family;
        this.fileName = fileName;
    }

    /** The name in {@code kernel.json} and in listings: {@code bzimage}, {@code loader}, {@code zfs-builder}. */
    public String id() {
        return id;
    }

    /** {@code linux} or {@code osv}. */
    public String family() {
        return family;
    }

    /** The image file's name in the kernel's folder. */
    public String fileName() {
        return fileName;
    }

    /** The kind called {@code id}; {@code null} (a {@code kernel.json} from before kinds existed) is a bzImage. */
    static KernelKind ofId(String id) {
        if (id == null) {
            return BZIMAGE;
        }
        return Arrays.stream(values()).filter(k -> k.id.equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown kernel kind '" + id + "'"));
    }

    @Override
    public String toString() {
        return id;
    }
}
