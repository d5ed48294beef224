package io.jcap.builder.family.linux;

import io.jcap.builder.family.BootFileCheck;
import io.jcap.host.FileTrees;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The kernel, initramfs and kernel command line of a Linux image, stored in the image's folder
 * beside the disk so that local runs can boot them directly ({@link BootMode#DIRECT}). They are
 * the same bytes the disk's boot loader loads; they are written at build time into the staging
 * folder and committed with the disk, so they change only when the image does. Their SHA-256
 * sums ({@code boot/SHA256SUMS}) are checked before every boot ({@link #check()}).
 *
 * @param kernel the kernel ({@code boot/vmlinuz})
 * @param initrd the run initramfs ({@code boot/initrd.img})
 * @param append the kernel command line ({@code boot/append})
 * @param sums the SHA-256 of the kernel and of the initramfs, by file name
 */
public record DirectBoot(Path kernel, Path initrd, String append, Map<String, Sha256> sums) {
    static final String FOLDER = "boot";
    static final String KERNEL = "vmlinuz";
    static final String INITRD = "initrd.img";
    static final String APPEND = "append";
    static final String SUMS = "SHA256SUMS";

    public DirectBoot {
        sums = Map.copyOf(sums);
    }

    /** The image's direct-boot files, when it has them all (images built before they existed do not). */
    static Optional<DirectBoot> of(Path imageFolder) throws JcapException {
        Path boot = imageFolder.resolve(FOLDER);
        Path kernel = boot.resolve(KERNEL);
        Path initrd = boot.resolve(INITRD);
        Path append = boot.resolve(APPEND);
        Path sums = boot.resolve(SUMS);
        if (!Files.isRegularFile(kernel) || !Files.isRegularFile(initrd) || !Files.isRegularFile(append)
                || !Files.isRegularFile(sums)) {
            return Optional.empty();
        }
        try {
            Map<String, Sha256> recorded = parseSums(Files.readString(sums, StandardCharsets.UTF_8));
            if (!recorded.containsKey(KERNEL) || !recorded.containsKey(INITRD)) {
                throw new JcapException(sums + " lacks the sum of " + KERNEL + " or " + INITRD
                        + ": build the image again with jcap build --force");
            }
            return Optional.of(new DirectBoot(kernel, initrd, Files.readString(append, StandardCharsets.UTF_8).strip(),
                    recorded));
        } catch (IOException | IllegalArgumentException e) {
            throw new JcapException("cannot read the direct-boot files in " + boot + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes the boot files into a staging folder of the repository. The kernel is hard-linked
     * from the kernel store when both live on one file system (the store replaces files by
     * renaming, never in place), and copied otherwise.
     *
     * @param vmlinuzSha256 the kernel's SHA-256 as the kernel store verified it
     */
    static void stage(Path staging, Path vmlinuz, Sha256 vmlinuzSha256, byte[] initrd, String append)
            throws IOException {
        Path boot = Files.createDirectories(staging.resolve(FOLDER));
        Path kernel = boot.resolve(KERNEL);
        FileTrees.linkOrCopy(vmlinuz, kernel);
        Files.write(boot.resolve(INITRD), initrd);
        Files.writeString(boot.resolve(APPEND), append + "\n", StandardCharsets.UTF_8);
        Files.writeString(boot.resolve(SUMS), vmlinuzSha256.hex() + "  " + KERNEL + "\n" + Sha256.of(initrd).hex()
                + "  " + INITRD + "\n", StandardCharsets.UTF_8);
    }

    /** Starts checking the kernel and the initramfs against their sums; {@link Check#await()} gives the verdict. */
    Check check() {
        return new Check(this);
    }

    /**
     * A check of the boot files running beside the rest of a run's preparation: {@code sha256sum}
     * in its own process (a Java digest when it cannot be started).
     */
    static final class Check {
        private final DirectBoot boot;
        private final BootFileCheck files;

        private Check(DirectBoot boot) {
            this.boot = boot;
            this.files = BootFileCheck.start(boot.kernel().getParent(),
                    Map.of(KERNEL, boot.sums().get(KERNEL), INITRD, boot.sums().get(INITRD)));
        }

        DirectBoot boot() {
            return boot;
        }

        /** Returns the boot files once both match their sums; a mismatch is an error naming the file. */
        DirectBoot await(String image) throws JcapException {
            files.await(image);
            return boot;
        }
    }

    /** Lines of {@code sha256sum}: see {@link BootFileCheck#parseSums}. */
    static Map<String, Sha256> parseSums(String text) {
        return BootFileCheck.parseSums(text);
    }
}
