package io.jcap.builder.instance;

import io.jcap.hypervisor.PortForward;
import io.jcap.hypervisor.VmException;
import io.jcap.model.JcapException;
import io.jcap.model.PortMapping;
import java.io.IOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The host ports a run publishes: the image's ports, with those the request names for the same
 * guest port replaced, all bound to one address; and the checks that they are free before
 * anything starts.
 */
public final class PublishedPorts {
    /** The kernel's first port an ordinary user may bind. */
    private static final Path UNPRIVILEGED_PORT_START = Path.of("/proc/sys/net/ipv4/ip_unprivileged_port_start");

    private PublishedPorts() {
    }

    /** The image's ports with the request's replacing those of the same guest port and protocol, then the rest. */
    public static List<PortForward> merge(List<PortMapping> image, List<PortMapping> requested, String address) {
        return merge(image, requested, address, false);
    }

    /**
     * The same; with {@code freeHostPorts}, the image's own ports (those the request does not
     * name) get a free host port each, chosen when the guest starts, rather than the host port
     * its record names: a pulled image's record is its author's, who does not choose which ports
     * of this machine a run binds (one a local service is about to listen on, say), as
     * {@code docker run} publishes nothing an image asks for by itself.
     */
    public static List<PortForward> merge(List<PortMapping> image, List<PortMapping> requested, String address,
            boolean freeHostPorts) {
        List<PortForward> merged = new ArrayList<>();
        for (PortMapping p : image) {
            if (requested.stream().noneMatch(r -> r.guest() == p.guest() && r.protocol() == p.protocol())) {
                merged.add(new PortForward(address, freeHostPorts ? 0 : p.host(), p.guest(), protocol(p)));
            }
        }
        for (PortMapping p : requested) {
            merged.add(new PortForward(address, p.host(), p.guest(), protocol(p)));
        }
        return List.copyOf(merged);
    }

    /**
     * Refuses ports published twice, ports a running instance publishes and ports another program
     * holds (found by binding them a moment).
     */
    public static void check(List<PortForward> forwards, List<Instance> instances) throws JcapException {
        check(forwards, instances, Optional.empty());
    }

    /**
     * The same for an instance on {@code remoteHost} (a libvirt host reached over SSH) when given:
     * its ports are that host's, so only instances there count, and binding them here would
     * tell nothing (QEMU there refuses a taken one when it starts).
     */
    public static void check(List<PortForward> forwards, List<Instance> instances, Optional<String> remoteHost)
            throws JcapException {
        Set<String> seen = new HashSet<>();
        // A forward whose host port the start picks (0) takes a free one: nothing to check yet.
        forwards = forwards.stream().filter(f -> !f.picksHostPort()).toList();
        for (PortForward f : forwards) {
            if (!seen.add(key(f))) {
                // One may be the image's own (its ports:, published unless -p maps its guest port).
                String both = forwards.stream().filter(o -> key(o).equals(key(f)))
                        .map(o -> o.hostPort() + "->" + o.guestPort()).distinct()
                        .collect(java.util.stream.Collectors.joining(" and "));
                throw JcapException.usage("host port " + key(f) + " is published twice (" + both + "): give each its"
                        + " own host port with -p HOST:GUEST (the image's ports are published too, unless -p maps"
                        + " their guest port)");
            }
        }
        for (PortForward f : forwards) {
            for (Instance i : instances) {
                if (i.remoteHost().equals(remoteHost) && i.status().running()
                        && i.ports().stream().anyMatch(p -> key(p).equals(key(f)))) {
                    throw new JcapException("host port " + key(f) + remoteHost.map(h -> " of " + h).orElse("")
                            + " is already published by instance '" + i.name() + "': pick another with -p HOST:GUEST");
                }
            }
            if (remoteHost.isPresent()) {
                continue;
            }
            Optional<JcapException> problem = bindProblem(f);
            if (problem.isPresent()) {
                throw problem.get();
            }
        }
    }

    static JcapException inUse(PortForward f) {
        return new JcapException("host port " + key(f) + " on " + f.hostAddress()
                + " is in use by another program: pick another with -p HOST:GUEST");
    }

    /** The error for a port another program bound between the check and QEMU's start, if that is what failed. */
    public static Optional<JcapException> takenAtStart(VmException e, List<PortForward> forwards) {
        for (PortForward f : forwards) {
            if (e.summary().contains("Could not set up host forwarding rule '" + f.protocol().lowerCase() + ":"
                    + f.hostAddress() + ":" + f.hostPort() + "-")) {
                return Optional.of(inUse(f));
            }
        }
        return Optional.empty();
    }

    /** {@code 127.0.0.1:8080->8080/tcp}, as {@code jcap ps} shows a forward. */
    public static String describe(PortForward f) {
        return f.hostAddress() + ":" + f.hostPort() + "->" + f.guestPort() + "/" + f.protocol().lowerCase();
    }

    private static String key(PortForward f) {
        return f.hostPort() + "/" + f.protocol().lowerCase();
    }

    private static PortForward.Protocol protocol(PortMapping p) {
        return p.protocol() == PortMapping.Protocol.UDP ? PortForward.Protocol.UDP : PortForward.Protocol.TCP;
    }

    /** Why binding the port fails now, if it does. */
    private static Optional<JcapException> bindProblem(PortForward f) {
        try {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(f.hostAddress()), f.hostPort());
            if (f.protocol() == PortForward.Protocol.UDP) {
                try (DatagramSocket socket = new DatagramSocket(null)) {
                    socket.bind(address);
                }
            } else {
                try (ServerSocket socket = new ServerSocket()) {
                    socket.bind(address);
                }
            }
            return Optional.empty();
        } catch (BindException e) {
            return Optional.of(String.valueOf(e.getMessage()).contains("in use") ? inUse(f)
                    : new JcapException(cannotBind(f, String.valueOf(e.getMessage()), unprivilegedPortStart())));
        } catch (IOException e) {
            return Optional.of(new JcapException("cannot publish host port " + key(f) + " on " + f.hostAddress() + ": "
                    + e.getMessage()));
        }
    }

    /**
     * Why a bind other than "in use" failed: a port below the kernel's unprivileged start refused
     * for want of privilege, else most likely an address that is not the machine's.
     */
    static String cannotBind(PortForward f, String reason, int unprivilegedStart) {
        String hint = reason.contains("Permission denied") && f.hostPort() < unprivilegedStart
                ? "ports below " + unprivilegedStart + " (" + UNPRIVILEGED_PORT_START + ") need root or"
                        + " CAP_NET_BIND_SERVICE: pick a host port from " + unprivilegedStart + " up with -p HOST:GUEST"
                : "is it an address of this machine?";
        return "cannot publish host port " + key(f) + " on " + f.hostAddress() + ": " + reason + " (" + hint + ")";
    }

    /** The first port an ordinary user may bind; 1024 when the kernel does not say (before Linux 4.11). */
    private static int unprivilegedPortStart() {
        try {
            return Integer.parseInt(Files.readString(UNPRIVILEGED_PORT_START).strip());
        } catch (IOException | NumberFormatException e) {
            return 1024;
        }
    }
}
