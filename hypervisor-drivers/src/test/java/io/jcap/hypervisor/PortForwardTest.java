package io.jcap.hypervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class PortForwardTest {
    @Test
    void tcp_defaultsToLoopback() {
        PortForward f = PortForward.tcp(0, 10000);

        assertEquals(new PortForward("127.0.0.1", 0, 10000, PortForward.Protocol.TCP), f);
        assertTrue(f.picksHostPort());
        assertFalse(f.withHostPort(4242).picksHostPort());
    }

    @Test
    void new_hostName_isRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PortForward("localhost", 1, 2, PortForward.Protocol.UDP));

        assertEquals("host address must be an IPv4 address, got localhost", e.getMessage());
    }

    @Test
    void new_guestPortZero_isRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PortForward.tcp(0, 0));

        assertEquals("guest port must be 1 to 65535, got 0", e.getMessage());
    }

    @Test
    void freeLoopbackPort_isBindableOnLoopback() throws Exception {
        int port = Ports.freeLoopbackPort();

        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", port));
            assertEquals(port, socket.getLocalPort());
        }
    }
}
