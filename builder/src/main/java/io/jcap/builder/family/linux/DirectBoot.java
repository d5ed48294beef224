package io.jcap.builder.family.linux;

import io.jcap.host.FileTrees;
import io.jcap.host.HostTool;
import io.jcap.model.EnvironmentException;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
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
    /** sha256sum reads ~350 MB/s here (SHA extensions); a Java digest under the client compiler ~100 MB/s. */
    private static final List<String> SHA256SUM = List.of("sha256sum", "--", KERNEL, INITRD);
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(60);

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
        private final HostTool.Running process;

        private Check(DirectBoot boot) {
            this.boot = boot;
            HostTool.Running started;
            try {
                started = HostTool.start(SHA256SUM, boot.kernel().getParent());
            } catch (EnvironmentException e) {
                started = null;
            }
            this.process = started;
        }

        DirectBoot boot() {
            return boot;
        }

        /** Returns the boot files once both match their sums; a mismatch is an error naming the file. */
        DirectBoot await(String image) throws JcapException {
            Map<String, Sha256> actual = process == null ? javaSums() : processSums();
            for (String file : List.of(KERNEL, INITRD)) {
                if (!boot.sums().get(file).equals(actual.get(file))) {
                    throw new JcapException("image '" + image + "': " + boot.kernel().resolveSibling(file)
                            + " does not match the SHA-256 recorded when the image was built: build it again with"
                            + " jcap build --force, or run it with --boot disk");
                }
            }
            return boot;
        }

        private Map<String, Sha256> processSums() throws JcapException {
            HostTool.Result result = process.await(CHECK_TIMEOUT);
            try {
                return result.exitCode() == 0 ? parseSums(result.stdout()) : javaSums();
            } catch (IllegalArgumentException e) {
                return javaSums();
            }
        }

        private Map<String, Sha256> javaSums() throws JcapException {
            try {
                return Map.of(KERNEL, Sha256.of(boot.kernel()), INITRD, Sha256.of(boot.initrd()));
            } catch (IOException e) {
                throw new JcapException("cannot read the direct-boot files in " + boot.kernel().getParent() + ": "
                        + e.getMessage(), e);
            }
        }
    }

    /** Lines of {@code sha256sum}: 64 hex digits, two spaces (or a space and '*'), the file name. */
    static Map<String, Sha256> parseSums(String text) {
        Map<String, Sha256> sums = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (line.length() < 67 || line.charAt(64) != ' ') {
                throw new IllegalArgumentException("not a sha256sum line: '" + line + "'");
            }
            sums.put(line.substring(66).strip(), new Sha256(line.substring(0, 64)));
        }
        return sums;
    }
}
