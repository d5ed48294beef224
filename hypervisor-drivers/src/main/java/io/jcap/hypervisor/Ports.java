package io.jcap.hypervisor;

import io.jcap.model.EnvironmentException;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

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
}
