package io.jcap.hypervisor.libvirt;

import io.jcap.hypervisor.PortForward;
import io.jcap.hypervisor.Ports;
import io.jcap.model.JcapException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Host ports of a domain's forwards: picked on the libvirt host, then reached from this machine.
 * A local daemon gets a port that was free here a moment ago; a remote host cannot be asked, so
 * it gets a random port below Linux's ephemeral range, and a taken one is retried at start.
 */
final class Forwarding {
    static final int REMOTE_FIRST_PORT = 20000;
    static final int REMOTE_PORTS = 12768;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Forwarding() {
    }

    static Ports.PortSupplier defaultSupplier(boolean local) {
        return local ? Ports::freeLoopbackPort : () -> REMOTE_FIRST_PORT + RANDOM.nextInt(REMOTE_PORTS);
    }

    /** {@code wanted} with a port from {@code supplier} for every forward that lets the VM pick. */
    static List<PortForward> choose(List<PortForward> wanted, Ports.PortSupplier supplier) throws JcapException {
        List<PortForward> chosen = new ArrayList<>();
        for (PortForward f : wanted) {
            chosen.add(f.picksHostPort() ? f.withHostPort(supplier.nextPort()) : f);
        }
        return List.copyOf(chosen);
    }

    /** The forwards as this machine reaches them: a remote host's TCP ports through SSH tunnels. */
    static List<PortForward> reach(List<PortForward> chosen, HostFiles files, boolean local) throws JcapException {
        List<PortForward> reached = new ArrayList<>();
        for (PortForward f : chosen) {
            reached.add(f.protocol() == PortForward.Protocol.TCP && !local
                    ? PortForward.tcp(files.reach(f.hostPort()), f.guestPort()) : f);
        }
        return List.copyOf(reached);
    }
}
