package io.jcap.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The files of a real OSv build, for the tests that need one ({@code *RealOsvIT}, run only when
 * {@value #VARIABLE} is set: see the Maven profile {@code real-osv}). No OSv can be downloaded
 * where jcap is tested, so the folder holds what OSv's own build made (see docs/osv.md):
 * {@code loader.img}, {@code loader-stripped.elf}, {@code zfs_builder-stripped.elf} and a PIE
 * {@code hello} that prints one line.
 *
 * <pre>{@code
 * Path loader = RealOsv.file(RealOsv.LOADER_IMAGE);
 * }</pre>
 */
public final class RealOsv {
    public static final String VARIABLE = "JCAP_OSV_KERNELS";
    public static final String LOADER_IMAGE = "loader.img";
    public static final String KERNEL_ELF = "loader-stripped.elf";
    public static final String ZFS_BUILDER = "zfs_builder-stripped.elf";
    public static final String HELLO = "hello";

    private RealOsv() {
    }

    /** A file of the real OSv build; fails (never skips) when the folder or the file is missing. */
    public static Path file(String name) {
        String folder = System.getenv(VARIABLE);
        if (folder == null || folder.isBlank()) {
            throw new IllegalStateException(VARIABLE + " is not set: it must name the folder of a real OSv build");
        }
        Path file = Path.of(folder).resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(VARIABLE + "=" + folder + " has no " + name);
        }
        return file;
    }
}
