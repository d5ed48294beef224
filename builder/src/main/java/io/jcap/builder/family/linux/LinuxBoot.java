package io.jcap.builder.family.linux;

import io.jcap.builder.compose.BootFiles;
import io.jcap.kernels.BootLoader;
import io.jcap.kernels.DiskLayout;
import io.jcap.kernels.Initramfs;
import io.jcap.kernels.Kernel;
import io.jcap.model.FileContent;
import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * The boot side of a Linux image: the kernel, the run initramfs (jcap's init and the modules)
 * and extlinux's configuration, and the kernel command lines of the builder and of the image.
 */
public final class LinuxBoot {
    static final GuestPath BOOT = GuestPath.of("/boot");
    /** The guest port the builder init listens on. */
    public static final int BUILDER_PORT = 10000;

    private LinuxBoot() {
    }

    /**
     * The UUID of an image's root file system: the builder makes it, the image's kernel command
     * line names it ({@code jcap.root=UUID=...}), so the init finds the root on whatever disk
     * device the machine has ({@code /dev/vda1}, {@code /dev/nvme0n1p1}, {@code /dev/sda1},
     * {@code /dev/xvda1}). Derived from the image's name, so a rebuild keeps its boot files' bytes.
     */
    public static UUID rootUuid(String imageName) {
        return UUID.nameUUIDFromBytes(("jcap root file system of image " + imageName).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The command line extlinux passes to the image's kernel: the serial console every cloud logs
     * (ttyS0 at 115200) and the screen, the last {@code console=} being /dev/console; and
     * {@code no_timer_check}, which KVM guests set for themselves and cloud images commonly pass
     * (Fedora Cloud's): under emulation on a busy host Linux's early timer check can fail and
     * panic the kernel ({@link LinuxRunPlan#TCG_TIMER}).
     */
    public static String runAppend(String fs, UUID root) {
        return "console=tty0 console=ttyS0,115200 quiet loglevel=3 panic=-1 no_timer_check jcap.mode=run"
                + " jcap.root=UUID=" + root + " jcap.fs=" + fs;
    }

    /** The command line of the builder VM's kernel. */
    public static String builderAppend(String fs, UUID root, long diskBytes, int entries) {
        long inodes = inodesFor(diskBytes, entries);
        return "console=ttyS0 quiet loglevel=3 panic=-1 jcap.mode=build jcap.disk=/dev/vda jcap.part="
                + DiskLayout.ROOT_PARTITION + " jcap.fs=" + fs + " jcap.uuid=" + root + " jcap.port=" + BUILDER_PORT + (inodes > 0 ? " jcap.inodes=" + inodes : "");
    }

    /**
     * The inodes to ask mke2fs for ({@code jcap.inodes}), or 0 for its default: the image's
     * entries, a quarter more and 1024 for the application's own files, when that is more than
     * mke2fs makes for a disk of that size (Debian's mke2fs.conf: one inode per 8 KiB under
     * 3 MiB, per 4 KiB under 512 MiB, per 16 KiB above). Without it 100 000 small files in a
     * 1 GiB disk ran out of inodes with the disk half empty.
     */
    static long inodesFor(long diskBytes, int entries) {
        long ratio = diskBytes < (3L << 20) ? 8192 : diskBytes < (512L << 20) ? 4096 : 16384;
        long wanted = entries + entries / 4L + 1024;
        return wanted > diskBytes / ratio ? wanted : 0;
    }

    /** The boot files inside the disk; {@code initrd} is the run initramfs ({@link Initramfs#runInitramfs}). */
    public static BootFiles bootFiles(Kernel kernel, byte[] initrd, String fs, UUID root) throws JcapException {
        return bootFiles(kernel, FileContent.of(initrd), fs, root);
    }

    /** The same with the initramfs in a file (or in memory). */
    public static BootFiles bootFiles(Kernel kernel, FileContent initrd, String fs, UUID root) throws JcapException {
        try {
            List<ImageEntry> entries = List.of(
                    new ImageEntry.RegularFile(BOOT.resolve("vmlinuz"), 0644, FileContent.of(kernel.vmlinuz())),
                    new ImageEntry.RegularFile(BOOT.resolve("initrd.img"), 0644, initrd),
                    new ImageEntry.RegularFile(BOOT.resolve("extlinux/extlinux.conf"), 0644, FileContent.of(
                            BootLoader.extlinuxConfig(runAppend(fs, root)).getBytes(StandardCharsets.UTF_8))));
            return new BootFiles(entries, List.of(BOOT));
        } catch (IOException e) {
            throw new JcapException("could not read kernel '" + kernel.name() + "': " + e.getMessage(), e);
        }
    }
}
