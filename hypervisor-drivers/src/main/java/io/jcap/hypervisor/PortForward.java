package io.jcap.hypervisor;

import java.util.regex.Pattern;

/**
 * Forwards a host address and port to a guest port. A host port of 0 asks the VM to pick a free
 * one; the VM then reports the port it used. Forwards bind to 127.0.0.1 unless told otherwise,
 * so a guest service is not exposed to the network by accident.
 *
 * <pre>{@code
 * PortForward web = PortForward.tcp(0, 8080);          // any free host port -> guest 8080
 * PortForward dns = new PortForward("127.0.0.1", 5353, 53, PortForward.Protocol.UDP);
 * }</pre>
 */
public record PortForward(String hostAddress, int hostPort, int guestPort, Protocol protocol) {
    /** The default host address: loopback only. */
    public static final String LOOPBACK = "127.0.0.1";

    private static final Pattern IPV4 =
            Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");

    /** Transport protocol of a forward. */
    public enum Protocol {
        TCP, UDP;

        public String lowerCase() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public PortForward {
        if (hostAddress == null || !IPV4.matcher(hostAddress).matches()) {
            throw new IllegalArgumentException("host address must be an IPv4 address, got " + hostAddress);
        }
        if (hostPort < 0 || hostPort > 65535) {
            throw new IllegalArgumentException("host port must be 0 (any free port) to 65535, got " + hostPort);
        }
        if (guestPort < 1 || guestPort > 65535) {
            throw new IllegalArgumentException("guest port must be 1 to 65535, got " + guestPort);
        }
        if (protocol == null) {
            throw new IllegalArgumentException("protocol is required");
        }
    }

    /** A TCP forward from 127.0.0.1:{@code hostPort} (0 = any free port) to the guest port. */
    public static PortForward tcp(int hostPort, int guestPort) {
        return new PortForward(LOOPBACK, hostPort, guestPort, Protocol.TCP);
    }

    /** Whether the VM picks the host port. */
    public boolean picksHostPort() {
        return hostPort == 0;
    }

    public PortForward withHostPort(int port) {
        return new PortForward(hostAddress, port, guestPort, protocol);
    }
}
