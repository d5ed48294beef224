package io.jcap.hypervisor;

import io.jcap.model.EnvironmentException;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Host ports for forwarding into a guest. A fixed port (Capstan used 10000) makes two builds on
 * one host collide; an ephemeral loopback port does not, and a VM retries with the next one when
 * another process took it between our pick and the hypervisor's bind.
 *
 * <pre>{@code
 * int port = Ports.freeLoopbackPort();
 * }</pre>
 */
public final class Ports {
    /** Where a VM gets a host port for a forward that asked for any free port. */
    @FunctionalInterface
    public interface PortSupplier {
        int nextPort() throws JcapException;
    }

    private Ports() {
    }

    /** A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, then closed). */
    public static int freeLoopbackPort() throws EnvironmentException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new EnvironmentException("cannot bind a free port on 127.0.0.1: " + e.getMessage(), e);
        }
    }

    /**
     * {@code wanted} with a port from {@code supplier} for every forward that lets the VM pick
     * (host port 0); the others as they are.
     */
    public static List<PortForward> assign(List<PortForward> wanted, PortSupplier supplier) throws VmException {
        List<PortForward> chosen = new ArrayList<>();
        for (PortForward f : wanted) {
            try {
                chosen.add(f.picksHostPort() ? f.withHostPort(supplier.nextPort()) : f);
            } catch (JcapException e) {
                throw new VmException("cannot pick a host port for guest port " + f.guestPort() + ": " + e.getMessage(),
                        OptionalInt.empty(), List.of(), e);
            }
        }
        return List.copyOf(chosen);
    }
}
