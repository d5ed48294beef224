package io.jcap.builder.family.osv;

import io.jcap.builder.family.BootFileCheck;
import io.jcap.builder.repository.DiskCommit;
import io.jcap.host.Durable;
import io.jcap.host.FileTrees;
import io.jcap.kernels.osv.OsvKernelElf;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
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
    /**
     * What the build found in the kernel, so that runs need not scan its 7 MB again (20-25 ms a
     * run): {@code traces-exit yes} or {@code traces-exit no}. Images built before it have none.
     */
    static final String FEATURES = "features";
    /** The cache folder of kernels taken out of loaders. */
    static final String CACHE = "osv-kernels";

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
            return Optional.of(new OsvDirectBoot(kernel, Sha256.parse(fields[0]), tracesExit(boot, kernel)));
        } catch (IOException | IllegalArgumentException e) {
            throw new JcapException("cannot read the direct-boot files in " + boot + ": " + e.getMessage(), e);
        }
    }

    private static boolean tracesExit(Path boot, Path kernel) throws IOException {
        Path features = boot.resolve(FEATURES);
        if (Files.isRegularFile(features)) {
            String text = Files.readString(features, StandardCharsets.UTF_8);
            if (text.contains("traces-exit yes")) {
                return true;
            }
            if (text.contains("traces-exit no")) {
                return false;
            }
        }
        return OsvKernelElf.tracesExit(kernel);
    }

    /**
     * The kernel inside {@code loader}, from the cache in {@code cacheDir} (one file per loader
     * SHA-256, written once, atomically) or taken out of the loader and cached; empty when the
     * loader holds none jcap can take out.
     *
     * @return the cached kernel and its SHA-256
     */
    static Optional<Cached> cached(Path cacheDir, Path loader, Sha256 loaderSha256, EventSink events)
            throws JcapException {
        Path dir = cacheDir.resolve(CACHE);
        Path kernel = dir.resolve(loaderSha256.hex() + ".elf");
        Path sum = dir.resolve(loaderSha256.hex() + ".sha256");
        try {
            if (Files.isRegularFile(kernel) && Files.isRegularFile(sum)) {
                return Optional.of(new Cached(kernel, Sha256.parse(Files.readString(sum).strip())));
            }
            Optional<OsvKernelElf> elf = OsvKernelElf.extract(loader);
            if (elf.isEmpty()) {
                return Optional.empty();
            }
            events.debug("Took OSv " + elf.get().version() + "'s kernel out of " + loader);
            Files.createDirectories(dir);
            Sha256 sha256 = Sha256.of(elf.get().bytes());
            Path temp = Files.createTempFile(dir, "kernel-", ".tmp");
            try {
                Files.write(temp, elf.get().bytes());
                Durable.syncFile(temp);
                Files.move(temp, kernel, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                Files.writeString(temp, sha256.hex() + "\n", StandardCharsets.UTF_8);
                Durable.syncFile(temp);
                Files.move(temp, sum, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temp);
            }
            return Optional.of(new Cached(kernel, sha256));
        } catch (IOException | IllegalArgumentException e) {
            throw new JcapException("cannot take OSv's kernel out of " + loader + " into " + dir + ": " + e.getMessage(),
                    e);
        }
    }

    /** A kernel in the cache, and its SHA-256. */
    record Cached(Path kernel, Sha256 sha256) {
        /**
         * Writes {@code boot/loader.elf} (hard-linked from the cache where one file system holds
         * both, else copied) and its sum into an image's staging folder.
         */
        DiskCommit.Extras stage() {
            return staging -> {
                Path boot = Files.createDirectories(staging.resolve(FOLDER));
                Path target = boot.resolve(KERNEL);
                FileTrees.linkOrCopy(kernel, target);
                Files.writeString(boot.resolve(SUMS), sha256.hex() + "  " + KERNEL + "\n", StandardCharsets.UTF_8);
                Files.writeString(boot.resolve(FEATURES), "traces-exit " + (OsvKernelElf.tracesExit(target) ? "yes" : "no")
                        + "\n", StandardCharsets.UTF_8);
            };
        }
    }

    /** Starts checking this kernel against its recorded sum; {@link BootFileCheck#await} gives the verdict. */
    BootFileCheck check() {
        return BootFileCheck.start(kernel.getParent(), Map.of(KERNEL, sha256));
    }
}
