package io.jcap.hypervisor.libvirt;

import io.jcap.model.EnvironmentException;
import java.util.Optional;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;

/**
 * Checks that a libvirt daemon answers at a URI and which versions it runs: the libvirt part of
 * {@code jcap doctor}. It never throws; a failure is a status with the reason and, when jcap
 * knows one, a fix.
 *
 * <pre>{@code
 * LibvirtStatus local = LibvirtProbe.probe(LibvirtUri.SYSTEM);
 * // reachable, libvirt 9.0.0, QEMU 7.2.22
 * }</pre>
 */
public final class LibvirtProbe {
    private LibvirtProbe() {
    }

    public static LibvirtStatus probe(LibvirtUri uri) {
        Connect connect;
        try {
            connect = LibvirtConnections.open(uri);
        } catch (EnvironmentException e) {
            String problem = e.getCause() instanceof LibvirtException le ? LibvirtConnections.message(le) : e.getMessage();
            Optional<String> hint = e.getCause() instanceof LibvirtException
                    ? LibvirtHints.forConnectFailure(uri, problem) : Optional.empty();
            return LibvirtStatus.unreachable(uri, problem, hint);
        }
        try {
            return LibvirtStatus.reached(uri, version(connect.getLibVersion()), version(connect.getVersion()));
        } catch (LibvirtException e) {
            return LibvirtStatus.unreachable(uri, "libvirt answered but not about its version: "
                    + LibvirtConnections.message(e), Optional.empty());
        } finally {
            try {
                connect.close();
            } catch (LibvirtException e) {
                // The answer is in; a failing close changes nothing about it.
            }
        }
    }

    /** libvirt's packed version number, major * 1,000,000 + minor * 1,000 + release, as "9.0.0". */
    static String version(long packed) {
        return (packed / 1_000_000) + "." + (packed / 1_000 % 1_000) + "." + (packed % 1_000);
    }
}
