package io.jcap.kernels.osv;

/**
 * The two OSv kernel files jcap works with, as recognised by {@link OsvKernels#recognise}.
 *
 * <pre>{@code
 * OsvKernelKind kind = OsvKernels.recognise(Path.of("osv-loader.qemu"));
 * }</pre>
 */
public enum OsvKernelKind {
    /**
     * OSv's {@code loader.img} ({@code osv-loader.qemu} in releases): a boot sector, room for the
     * command line and the compressed kernel at 64 KiB. Every OSv image starts with a copy of it.
     */
    LOADER_IMAGE("osv-loader", "OSv loader image"),
    /**
     * OSv's {@code zfs_builder.elf} ({@code osv-zfs-builder.elf} in releases): a kernel booted with
     * QEMU's {@code -kernel} that carries the tools to format ZFS and receive files.
     */
    ZFS_BUILDER("osv-zfs-builder", "OSv ZFS builder kernel");

    private final String id;
    private final String description;

    OsvKernelKind(String id, String description) {
        this.id = id;
        this.description = description;
    }

    /** The short name used in the kernel store and on the command line. */
    public String id() {
        return id;
    }

    /** What the file is, in words: "OSv loader image". */
    public String description() {
        return description;
    }

    @Override
    public String toString() {
        return id;
    }
}
