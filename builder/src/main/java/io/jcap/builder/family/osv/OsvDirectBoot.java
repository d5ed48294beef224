package io.jcap.builder.family.osv;

import io.jcap.builder.repository.DiskCommit;
import io.jcap.kernels.osv.OsvKernelElf;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * OSv's uncompressed kernel ({@code boot/loader.elf}), stored in an OSv image's folder beside the
 * disk so that local runs boot it directly ({@code -kernel}, the command line given to QEMU): no
 * BIOS disk reads, no decompression, about 0.5 s to first output under emulation instead of 5.
 * It is taken out of the image's own loader at build time ({@link OsvKernelElf}), so it is the
 * kernel the disk boots, and its SHA-256 ({@code boot/SHA256SUMS}) is checked before every boot.
 * The disk stays bootable by itself.
 *
 * @param kernel {@code boot/loader.elf}
 * @param sha256 its SHA-256 as recorded at build time
 * @param tracesExit whether the kernel can print the application's return code ({@link OsvConsole})
 */
record OsvDirectBoot(Path kernel, Sha256 sha256, boolean tracesExit) {
    static final String FOLDER = "boot";
    static final String KERNEL = "loader.elf";
    static final String SUMS = "SHA256SUMS";

    /** The image's boot files, when it has them (its loader held no kernel jcap can take out, or an older jcap built it). */
    static Optional<OsvDirectBoot> of(Path imageFolder) throws JcapException {
        Path boot = imageFolder.resolve(FOLDER);
        Path kernel = boot.resolve(KERNEL);
        Path sums = boot.resolve(SUMS);
        if (!Files.isRegularFile(kernel) || !Files.isRegularFile(sums)) {
            return Optional.empty();
        }
        try {
            String line = Files.readString(sums, StandardCharsets.UTF_8).strip();
            String[] fields = line.split("\\s+");
            if (fields.length != 2 || !fields[1].equals(KERNEL)) {
                throw new JcapException(sums + " does not hold the sum of " + KERNEL
                        + ": build the image again with jcap build --force");
            }
            return Optional.of(new OsvDirectBoot(kernel, Sha256.parse(fields[0]), OsvKernelElf.tracesExit(kernel)));
        } catch (IOException | IllegalArgumentException e) {
            throw new JcapException("cannot read the direct-boot files in " + boot + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code boot/loader.elf} and its sum into an image's staging folder. */
    static DiskCommit.Extras stage(OsvKernelElf elf) {
        return staging -> {
            Path boot = Files.createDirectories(staging.resolve(FOLDER));
            Files.write(boot.resolve(KERNEL), elf.bytes());
            Files.writeString(boot.resolve(SUMS), Sha256.of(elf.bytes()).hex() + "  " + KERNEL + "\n",
                    StandardCharsets.UTF_8);
        };
    }

    /** This kernel, once its bytes match the sum recorded at build time. */
    OsvDirectBoot verified(String image) throws JcapException {
        Sha256 actual;
        try {
            actual = Sha256.of(kernel);
        } catch (IOException e) {
            throw new JcapException("cannot read " + kernel + ": " + e.getMessage(), e);
        }
        if (!actual.equals(sha256)) {
            throw new JcapException("image '" + image + "': " + kernel + " does not match the SHA-256 recorded when the"
                    + " image was built: build it again with jcap build --force, or run it with --boot disk");
        }
        return this;
    }
}
