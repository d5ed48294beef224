package io.jcap.builder.family.linux;

import io.jcap.builder.compose.BootFiles;
import io.jcap.kernels.BootLoader;
import io.jcap.kernels.Initramfs;
import io.jcap.kernels.Kernel;
import io.jcap.model.FileContent;
import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

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

    /** The command line extlinux passes to the image's kernel. */
    static String runAppend(String fs) {
        return "console=ttyS0 quiet loglevel=3 panic=-1 jcap.mode=run jcap.root=/dev/vda1 jcap.fs=" + fs;
    }

    /** The command line of the builder VM's kernel. */
    public static String builderAppend(String fs) {
        return "console=ttyS0 quiet loglevel=3 panic=-1 jcap.mode=build jcap.disk=/dev/vda jcap.fs=" + fs
                + " jcap.port=" + BUILDER_PORT;
    }

    /** The boot files inside the disk; {@code initrd} is the run initramfs ({@link Initramfs#runInitramfs}). */
    public static BootFiles bootFiles(Kernel kernel, byte[] initrd, String fs) throws JcapException {
        try {
            List<ImageEntry> entries = List.of(
                    new ImageEntry.RegularFile(BOOT.resolve("vmlinuz"), 0644, FileContent.of(kernel.vmlinuz())),
                    new ImageEntry.RegularFile(BOOT.resolve("initrd.img"), 0644, FileContent.of(initrd)),
                    new ImageEntry.RegularFile(BOOT.resolve("extlinux/extlinux.conf"), 0644, FileContent.of(
                            BootLoader.extlinuxConfig(runAppend(fs)).getBytes(StandardCharsets.UTF_8))));
            return new BootFiles(entries, List.of(BOOT));
        } catch (IOException e) {
            throw new JcapException("could not read kernel '" + kernel.name() + "': " + e.getMessage(), e);
        }
    }
}
