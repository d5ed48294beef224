package io.jcap.kernels.osv;

import io.jcap.model.JcapException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The known OSv command lines that format an image's ZFS partition and start OSv's cpio receiver
 * ({@code cpiod}, port 10000). They differ between OSv versions, so the form is recognised from
 * the builder kernel ({@link #forKernel}) and a user may pick another form by name or give a line
 * of their own.
 *
 * <pre>{@code
 * String cmdline = ZfsBuilderCmdline.forKernel(Path.of("zfs_builder.elf"), Optional.empty());
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
     * Current OSv (its {@code scripts/upload_manifest.py} since {@code /tools/umount.so} exists):
     * the pool's root dataset is the image's {@code /}, so {@code cpiod} writes under
     * {@code /zfs/}; then compression is switched off, both datasets are unmounted and the pool is
     * exported, so that the image's pool imports cleanly at boot.
     */
    BUILDER_KERNEL_EXPORTING("--console=serial --norandom --nomount --noinit --preload-zfs-library /tools/mkfs.so; "
            + "/tools/cpiod.so --prefix /zfs/; /zfs.so set compression=off osv; /tools/umount.so /zfs/zfs; "
            + "/tools/umount.so /zfs; /zpool.so export osv"),
    /**
     * Older OSv, whose loader image still carries the ZFS tools: the target image boots itself
     * with this command line written at byte 512, so no library is preloaded.
     */
    SELF_BUILDING_IMAGE("--console=serial --norandom --nomount --noinit /tools/mkfs.so; "
            + "/tools/cpiod.so --prefix /zfs/zfs; /zfs.so set compression=off osv");

    /** A tool only builder kernels of current OSv carry, and that {@link #BUILDER_KERNEL_EXPORTING} runs. */
    static final String UMOUNT_TOOL = "/tools/umount.so";

    private final String text;

    ZfsBuilderCmdline(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }

    /**
     * The builder command line for {@code builderKernel}: {@code override} when given (a form's
     * name such as {@code builder-kernel}, or a whole command line), else the form the kernel
     * suits: {@link #BUILDER_KERNEL_EXPORTING} when it carries {@value #UMOUNT_TOOL}, else
     * {@link #BUILDER_KERNEL}.
     */
    public static String forKernel(Path builderKernel, Optional<String> override) throws JcapException {
        if (override.isPresent() && !override.get().isBlank()) {
            return named(override.get()).map(ZfsBuilderCmdline::text).orElse(override.get().strip());
        }
        try (FileChannel ch = FileChannel.open(builderKernel, StandardOpenOption.READ)) {
            boolean exporting = FileScan.missing(ch, ch.size(), List.of(UMOUNT_TOOL)).isEmpty();
            return (exporting ? BUILDER_KERNEL_EXPORTING : BUILDER_KERNEL).text();
        } catch (IOException e) {
            throw new JcapException("cannot read the ZFS builder kernel " + builderKernel + ": " + e.getMessage(), e);
        }
    }

    /** The form called {@code name} ({@code builder-kernel-exporting}, case and {@code -}/{@code _} ignored). */
    public static Optional<ZfsBuilderCmdline> named(String name) {
        String wanted = name.strip().toUpperCase(Locale.ROOT).replace('-', '_');
        for (ZfsBuilderCmdline form : values()) {
            if (form.name().equals(wanted)) {
                return Optional.of(form);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return text;
    }
}
