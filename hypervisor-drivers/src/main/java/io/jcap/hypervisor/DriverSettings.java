package io.jcap.hypervisor;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What a driver is created with.
 *
 * <pre>{@code
 * new DriverSettings(jcapHome.resolve("cache"), Optional.of("qemu+ssh://jcap@kvm1/system"))
 * }</pre>
 *
 * @param cacheDir where a driver keeps what it found out about the host (QEMU's version, the
 *     accelerator verdict) between runs
 * @param address where the hypervisor is, in the driver's own terms (libvirt: a connection URI);
 *     empty for the driver's default (QEMU ignores it)
 */
public record DriverSettings(Path cacheDir, Optional<String> address) {
    public DriverSettings {
        if (cacheDir == null || address == null) {
            throw new IllegalArgumentException("driver settings need a cache folder and an address (may be empty)");
        }
    }
}
