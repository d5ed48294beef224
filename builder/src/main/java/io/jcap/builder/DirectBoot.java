package io.jcap.builder;

import io.jcap.model.JcapException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The kernel, initramfs and kernel command line of a Linux image, stored in the image's folder
 * beside the disk so that local runs can boot them directly ({@link BootMode#DIRECT}). They are
 * the same bytes the disk's boot loader loads; they are written at build time into the staging
 * folder and committed with the disk, so they change only when the image does.
 *
 * @param kernel the kernel ({@code boot/vmlinuz})
 * @param initrd the run initramfs ({@code boot/initrd.img})
 * @param append the kernel command line ({@code boot/append})
 */
public record DirectBoot(Path kernel, Path initrd, String append) {
    static final String FOLDER = "boot";
    static final String KERNEL = "vmlinuz";
    static final String INITRD = "initrd.img";
    static final String APPEND = "append";

    /** The image's direct-boot files, when it has them (images built before they existed do not). */
    static Optional<DirectBoot> of(Path imageFolder) throws JcapException {
        Path boot = imageFolder.resolve(FOLDER);
        Path kernel = boot.resolve(KERNEL);
        Path initrd = boot.resolve(INITRD);
        Path append = boot.resolve(APPEND);
        if (!Files.isRegularFile(kernel) || !Files.isRegularFile(initrd) || !Files.isRegularFile(append)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new DirectBoot(kernel, initrd, Files.readString(append, StandardCharsets.UTF_8).strip()));
        } catch (IOException e) {
            throw new JcapException("cannot read " + append + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes the boot files into a staging folder of the repository. The kernel is hard-linked
     * from the kernel store when both live on one file system (the store replaces files by
     * renaming, never in place), and copied otherwise.
     */
    static void stage(Path staging, Path vmlinuz, byte[] initrd, String append) throws IOException {
        Path boot = Files.createDirectories(staging.resolve(FOLDER));
        Path kernel = boot.resolve(KERNEL);
        try {
            Files.createLink(kernel, vmlinuz);
        } catch (FileSystemException | UnsupportedOperationException e) {
            Files.copy(vmlinuz, kernel);
        }
        Files.write(boot.resolve(INITRD), initrd);
        Files.writeString(boot.resolve(APPEND), append + "\n", StandardCharsets.UTF_8);
    }
}
