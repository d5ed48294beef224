package io.jcap.hypervisor.libvirt;

import java.util.Optional;

/**
 * What {@link LibvirtProbe} found at a libvirt URI, for {@code jcap doctor}.
 *
 * <pre>{@code
 * LibvirtStatus status = LibvirtProbe.probe(LibvirtUri.SYSTEM);
 * if (!status.reachable()) System.out.println(status.problem().orElseThrow() + " - " + status.hint().orElse(""));
 * }</pre>
 *
 * @param libvirtVersion the daemon's libvirt version, "9.0.0"
 * @param hypervisorVersion the hypervisor's version as libvirt reports it, "7.2.22" for QEMU
 * @param problem why the daemon could not be reached
 * @param hint what to do about it, when jcap knows
 */
public record LibvirtStatus(LibvirtUri uri, boolean reachable, Optional<String> libvirtVersion,
        Optional<String> hypervisorVersion, Optional<String> problem, Optional<String> hint) {
    public LibvirtStatus {
        if (uri == null || libvirtVersion == null || hypervisorVersion == null || problem == null || hint == null) {
            throw new IllegalArgumentException("a libvirt status needs all its fields (optional ones may be empty)");
        }
        if (reachable == problem.isPresent()) {
            throw new IllegalArgumentException("a libvirt status has a problem exactly when it is unreachable");
        }
    }

    static LibvirtStatus reached(LibvirtUri uri, String libvirtVersion, String hypervisorVersion) {
        return new LibvirtStatus(uri, true, Optional.of(libvirtVersion), Optional.of(hypervisorVersion),
                Optional.empty(), Optional.empty());
    }

    static LibvirtStatus unreachable(LibvirtUri uri, String problem, Optional<String> hint) {
        return new LibvirtStatus(uri, false, Optional.empty(), Optional.empty(), Optional.of(problem), hint);
    }
}
