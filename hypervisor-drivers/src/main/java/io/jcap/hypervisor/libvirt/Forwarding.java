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
 *
 * <p>A forward's host port is a port on this machine either way. For a remote host the TCP
 * forwards go through SSH tunnels: the tunnel listens on the forward's address and port here and
 * QEMU on a port picked on the remote host's loopback, so the guest is not exposed there. UDP
 * cannot be tunnelled; a UDP forward binds on the remote host as given.
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

    /** The forwards as QEMU on the libvirt host binds them: for a remote host, TCP on a picked loopback port. */
    static List<PortForward> onHost(List<PortForward> wanted, boolean local) {
        return wanted.stream().map(f -> local || f.protocol() != PortForward.Protocol.TCP ? f
                : PortForward.tcp(0, f.guestPort())).toList();
    }

    /**
     * The forwards as this machine reaches them: {@code chosen} (as QEMU binds them, in the order
     * of {@code wanted}) for a local daemon, a remote host's TCP ports through SSH tunnels
     * listening where {@code wanted} says.
     */
    static List<PortForward> reach(List<PortForward> wanted, List<PortForward> chosen, HostFiles files, boolean local)
            throws JcapException {
        List<PortForward> reached = new ArrayList<>();
        for (int i = 0; i < chosen.size(); i++) {
            PortForward want = wanted.get(i);
            PortForward host = chosen.get(i);
            reached.add(host.protocol() == PortForward.Protocol.TCP && !local
                    ? want.withHostPort(files.reach(want.hostAddress(), want.hostPort(), host.hostPort())) : host);
        }
        return List.copyOf(reached);
    }
}
