package io.jcap.hypervisor;

import io.jcap.model.EnvironmentException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * OVMF, the UEFI firmware for QEMU guests (EDK II's, as AWS, GCE and Azure Gen2 machines run
 * firmware derived from it), in the one-file build that QEMU loads with {@code -bios} and
 * libvirt as a ROM: the firmware's variables then live in memory for the run, which is all a
 * jcap image needs (it boots the removable-media path {@code \EFI\BOOT\BOOTX64.EFI}, no boot
 * entry).
 *
 * <pre>{@code
 * VmSpec spec = VmSpec.builder().machine("q35").firmware(Ovmf.locate()).drive(disk).build();
 * }</pre>
 */
public final class Ovmf {
    /** Where distributions install it: Debian's and Ubuntu's {@code ovmf}, then others'. */
    static final List<Path> PLACES = List.of(Path.of("/usr/share/ovmf/OVMF.fd"), Path.of("/usr/share/OVMF/OVMF.fd"),
            Path.of("/usr/share/qemu/OVMF.fd"), Path.of("/usr/share/edk2-ovmf/x64/OVMF.fd"),
            Path.of("/usr/share/edk2/x64/OVMF.fd"));

    private Ovmf() {
    }

    /** The firmware file of this host, if one is installed. */
    public static Optional<Path> find() {
        return find(PLACES);
    }

    /** The first of {@code places} that holds a file: OVMF's lookup, and {@link Qboot}'s. */
    static Optional<Path> find(List<Path> places) {
        return places.stream().filter(Files::isRegularFile).findFirst();
    }

    /**
     * The firmware file of this host.
     *
     * @throws EnvironmentException naming the package when none is installed
     */
    public static Path locate() throws EnvironmentException {
        return find().orElseThrow(() -> new EnvironmentException("no UEFI firmware for QEMU (OVMF) in "
                + PLACES.get(0) + " or the other usual places: install the Debian package ovmf"
                + " (apt-get install ovmf)"));
    }
}
