package io.jcap.kernels.osv;

/**
 * The known OSv command lines that format an image's ZFS partition and start OSv's cpio receiver
 * ({@code cpiod}, port 10000). They differ between OSv versions, so the form is a property of the
 * kernel and a user may replace it ({@link OsvDisk#zfsBuilderCmdline}).
 *
 * <pre>{@code
 * String cmdline = ZfsBuilderCmdline.BUILDER_KERNEL.text();
 * }</pre>
 */
public enum ZfsBuilderCmdline {
    /**
     * The builder kernel booted with {@code -kernel} and the target disk attached: the ZFS library
     * is preloaded, {@code cpiod} writes under the pool's mount point, then compression is
     * switched off. OSv's and Capstan's form for {@code osv-zfs-builder}.
     */
    BUILDER_KERNEL("--console=serial --norandom --nomount --noinit --preload-zfs-library /tools/mkfs.so; "
            + "/tools/cpiod.so --prefix /zfs/zfs; /zfs.so set compression=off osv"),
    /**
     * Recent OSv: {@code cpiod} writes under {@code /zfs/}, then the command line unmounts both
     * mounts and exports the pool itself.
     */
    BUILDER_KERNEL_EXPORTING("--console=serial --norandom --nomount --noinit --preload-zfs-library /tools/mkfs.so; "
            + "/tools/cpiod.so --prefix /zfs/; /tools/umount.so /zfs/zfs; /tools/umount.so /zfs; /zpool.so export osv"),
    /**
     * Older OSv, whose loader image still carries the ZFS tools: the target image boots itself
     * with this command line written at byte 512, so no library is preloaded.
     */
    SELF_BUILDING_IMAGE("--console=serial --norandom --nomount --noinit /tools/mkfs.so; "
            + "/tools/cpiod.so --prefix /zfs/zfs; /zfs.so set compression=off osv");

    private final String text;

    ZfsBuilderCmdline(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }

    @Override
    public String toString() {
        return text;
    }
}
