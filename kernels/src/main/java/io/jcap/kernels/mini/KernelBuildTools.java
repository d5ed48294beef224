package io.jcap.kernels.mini;

import io.jcap.host.HostTool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * What building linux-mini needs on the host, each with the Debian package that brings it:
 * checked before a build starts (so that it fails in a second, not after minutes) and by
 * {@code jcap doctor}.
 *
 * <pre>{@code
 * List<String> problems = KernelBuildTools.missing(); // ["bison (apt-get install bison)"]
 * }</pre>
 */
public final class KernelBuildTools {
    /** One thing the build needs: how to tell it is there, and its package. */
    record Need(String what, String debianPackage, BooleanSupplier present) {
    }

    private static final List<Need> NEEDS = List.of(
            program("gcc", "gcc"), program("make", "make"), program("flex", "flex"), program("bison", "bison"),
            program("bc", "bc"), program("tar", "tar"), program("xz", "xz-utils"),
            // objtool, run on every x86-64 object, is built against libelf.
            new Need("libelf headers (gelf.h)", "libelf-dev", () -> Files.isRegularFile(Path.of("/usr/include/gelf.h"))));

    private KernelBuildTools() {
    }

    private static Need program(String name, String debianPackage) {
        return new Need(name, debianPackage, () -> HostTool.find(name).isPresent());
    }

    /**
     * What is missing, one entry per need, such as {@code bison (apt-get install bison)}; the
     * source package is checked apart ({@link LinuxSource#find}).
     */
    public static List<String> missing() {
        List<String> missing = new ArrayList<>();
        for (Need need : NEEDS) {
            if (!need.present().getAsBoolean()) {
                missing.add(need.what() + " (apt-get install " + need.debianPackage() + ")");
            }
        }
        return missing;
    }

    /** The programs and files checked, for doctor's line: {@code gcc, make, flex, ...}. */
    public static String checked() {
        return String.join(", ", NEEDS.stream().map(Need::what).toList());
    }

    /** The packages to install on a fresh Debian machine, the source package included. */
    public static String packages() {
        List<String> packages = new ArrayList<>(NEEDS.stream().map(Need::debianPackage).distinct().toList());
        packages.add(LinuxSource.DEBIAN_PACKAGE);
        return String.join(" ", packages);
    }
}
