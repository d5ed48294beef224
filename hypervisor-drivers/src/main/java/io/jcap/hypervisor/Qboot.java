package io.jcap.hypervisor;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * qboot, QEMU's minimal x86 firmware: it sets up what a Linux kernel needs (memory map, PCI,
 * ACPI tables from QEMU) and jumps to the kernel QEMU was given with {@code -kernel}, without
 * SeaBIOS's device scan and boot menu. Direct boots start through it when it is installed (it
 * ships with QEMU's data files): under TCG it saved about 0.1 s of wall time and 60-70 ms of QEMU's
 * CPU time per boot against SeaBIOS (docs/benchmarks.md). It cannot boot a disk.
 *
 * <pre>{@code
 * VmSpec.Builder spec = VmSpec.builder().machine("q35").kernel(vmlinuz).initrd(initrd);
 * Qboot.find().ifPresent(spec::firmware);
 * }</pre>
 */
public final class Qboot {
    /** Where distributions install it: Debian's and Ubuntu's {@code qemu-system-data}, Fedora's {@code qemu-common}. */
    static final List<Path> PLACES = List.of(Path.of("/usr/share/qemu/qboot.rom"),
            Path.of("/usr/share/qemu-kvm/qboot.rom"));

    private Qboot() {
    }

    /** The firmware file of this host; empty when none is installed (QEMU's SeaBIOS then loads the kernel). */
    public static Optional<Path> find() {
        return Ovmf.find(PLACES);
    }
}
