package io.jcap.hypervisor.qemu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What jcap adds to QEMU's own reason when a guest could not start: QEMU says {@code cannot set
 * up guest memory 'pc.ram': Cannot allocate memory} for a guest larger than the machine can give
 * (a typo such as {@code memory: 1T}); jcap adds what was asked and what the machine has.
 *
 * <pre>{@code
 * StartFailureHint.of("qemu-system-x86_64: cannot set up guest memory 'pc.ram': Cannot allocate memory", 1048576);
 * // " (the guest asks for 1048576 MiB of memory; this machine has 24032 MiB: ...)"
 * }</pre>
 */
final class StartFailureHint {
    private static final Path MEMINFO = Path.of("/proc/meminfo");

    private StartFailureHint() {
    }

    /** The hint for QEMU's line {@code qemuLine} about a guest of {@code memoryMiB}; empty when jcap has none. */
    static String of(String qemuLine, int memoryMiB) {
        if (!qemuLine.contains("cannot set up guest memory")) {
            return "";
        }
        OptionalLong total = totalMiB(MEMINFO);
        return " (the guest asks for " + memoryMiB + " MiB of memory" + (total.isPresent() ? "; this machine has "
                + total.getAsLong() + " MiB" : "") + ": give it less with -m, or memory: in the Capstanfile)";
    }

    /** {@code MemTotal} of a {@code /proc/meminfo}, in MiB. */
    static OptionalLong totalMiB(Path meminfo) {
        try {
            Optional<String> line = Files.readAllLines(meminfo, StandardCharsets.US_ASCII).stream()
                    .filter(l -> l.startsWith("MemTotal:")).findFirst();
            if (line.isEmpty()) {
                return OptionalLong.empty();
            }
            String[] fields = line.get().trim().split("\\s+");
            return OptionalLong.of(Long.parseLong(fields[1]) / 1024);
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }
}
