package io.jcap.model;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A port forwarded from the host (always on 127.0.0.1) to the guest.
 *
 * <pre>{@code
 * PortMapping.parse("8080:80");   // host 8080 -> guest 80, tcp
 * PortMapping.parse("53/udp");    // host 53 -> guest 53, udp
 * PortMapping.of(9000);           // host 9000 -> guest 9000, tcp
 * }</pre>
 */
public record PortMapping(int host, int guest, Protocol protocol) {
    /** The transport protocol of a forwarded port. */
    public enum Protocol {
        TCP, UDP;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final Pattern SYNTAX = Pattern.compile("(?:([0-9]{1,9}):)?([0-9]{1,9})(?:/(tcp|udp))?");

    public PortMapping {
        checkPort("guest", guest);
        checkPort("host", host);
        if (protocol == null) {
            throw new IllegalArgumentException("a port mapping needs a protocol");
        }
    }

    private static void checkPort(String side, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(side + " port " + port + " is outside 1..65535");
        }
    }

    /** The same port on both sides, over TCP. */
    public static PortMapping of(int port) {
        return new PortMapping(port, port, Protocol.TCP);
    }

    /**
     * Parses {@code HOST:GUEST} or {@code GUEST}, optionally followed by {@code /tcp} or {@code /udp}.
     *
     * @throws IllegalArgumentException naming the text and what is wrong with it
     */
    public static PortMapping parse(String text) {
        Matcher m = SYNTAX.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text
                    + "' is not a port mapping: use HOST:GUEST or GUEST, optionally with /tcp or /udp (8080:80, 53/udp)");
        }
        int guest = Integer.parseInt(m.group(2));
        int host = m.group(1) == null ? guest : Integer.parseInt(m.group(1));
        Protocol protocol = "udp".equals(m.group(3)) ? Protocol.UDP : Protocol.TCP;
        return new PortMapping(host, guest, protocol);
    }

    /** {@code 8080:80} for TCP, {@code 53:53/udp} for UDP; {@link #parse} reads it back. */
    @Override
    public String toString() {
        return host + ":" + guest + (protocol == Protocol.UDP ? "/udp" : "");
    }
}
