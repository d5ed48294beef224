package io.jcap.builder.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.hypervisor.HostProcess;
import io.jcap.hypervisor.PortForward;
import io.jcap.hypervisor.libvirt.LibvirtUri;
import io.jcap.hypervisor.qemu.DetachedQemu;
import io.jcap.streamer.ExitLine;
import io.jcap.model.JcapException;
import io.jcap.model.PortMapping;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PublishedPortsTest {
    private static Instance instance(String name, HostProcess process, InstanceStatus status, PortForward... ports) {
        Path dir = Path.of("/tmp/instances", name);
        return new Instance(name, "http-server", "linux", Instant.parse("2026-01-02T03:04:05Z"), process,
                List.of(ports), 128, 1, "tcg", DetachedQemu.GuestFiles.in(dir), dir.resolve("overlay.qcow2"), status,
                ExitLine.UNTAGGED);
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    @Test
    void merge_requestedPortForAGuestPort_replacesTheImages_andOthersStay() {
        List<PortForward> merged = PublishedPorts.merge(
                List.of(PortMapping.parse("8080"), PortMapping.parse("9090"), PortMapping.parse("53/udp")),
                List.of(PortMapping.parse("18080:8080"), PortMapping.parse("2222:22")), "127.0.0.1");

        assertEquals(List.of(new PortForward("127.0.0.1", 9090, 9090, PortForward.Protocol.TCP),
                new PortForward("127.0.0.1", 53, 53, PortForward.Protocol.UDP),
                new PortForward("127.0.0.1", 18080, 8080, PortForward.Protocol.TCP),
                new PortForward("127.0.0.1", 2222, 22, PortForward.Protocol.TCP)), merged);
    }

    @Test
    void merge_publishAddress_appliesToEveryPort() {
        assertEquals(List.of(new PortForward("0.0.0.0", 8080, 8080, PortForward.Protocol.TCP)),
                PublishedPorts.merge(List.of(PortMapping.parse("8080")), List.of(), "0.0.0.0"));
    }

    @Test
    void merge_pulledImage_getsFreeHostPortsForItsOwnPorts_andTheRequestsStayAsAsked() throws Exception {
        List<PortForward> merged = PublishedPorts.merge(
                List.of(PortMapping.parse("5432:8080"), PortMapping.parse("9090"), PortMapping.parse("53/udp")),
                List.of(PortMapping.parse("18080:9090")), "127.0.0.1", true);

        assertEquals(List.of(new PortForward("127.0.0.1", 0, 8080, PortForward.Protocol.TCP),
                new PortForward("127.0.0.1", 0, 53, PortForward.Protocol.UDP),
                new PortForward("127.0.0.1", 18080, 9090, PortForward.Protocol.TCP)), merged);
        // Ports the start picks are not the check's: two of them are not "published twice".
        PublishedPorts.check(List.of(new PortForward("127.0.0.1", 0, 8080, PortForward.Protocol.TCP),
                new PortForward("127.0.0.1", 0, 8081, PortForward.Protocol.TCP)), List.of());
    }

    @Test
    void check_aRequestedPortOnTheImagesHostPort_namesBothForwards() throws Exception {
        int port = freePort();
        // The image publishes guest port P on host port P; -p P:9 asks for the same host port.
        List<PortForward> merged = PublishedPorts.merge(List.of(PortMapping.parse(port + "")),
                List.of(PortMapping.parse(port + ":9")), "127.0.0.1");

        JcapException e = assertThrows(JcapException.class, () -> PublishedPorts.check(merged, List.of()));

        assertTrue(e.getMessage().startsWith("host port " + port + "/tcp is published twice (" + port + "->" + port
                + " and " + port + "->9)"), e.getMessage());
    }

    @Test
    void check_samePortTwice_isRefused() throws Exception {
        int port = freePort();
        List<PortForward> twice = List.of(PortForward.tcp(port, 80), PortForward.tcp(port, 81));

        JcapException e = assertThrows(JcapException.class, () -> PublishedPorts.check(twice, List.of()));

        assertEquals("host port " + port + "/tcp is published twice (" + port + "->80 and " + port + "->81): give each"
                + " its own host port with -p HOST:GUEST (the image's ports are published too, unless -p maps their guest"
                + " port)", e.getMessage());
        assertEquals(io.jcap.model.ExitCode.USAGE, e.exitCode(), "a wrong command line");
    }

    @Test
    void check_portOfARunningInstance_namesTheInstance() throws Exception {
        int port = freePort();
        HostProcess alive = HostProcess.of(ProcessHandle.current().pid()).orElseThrow();
        List<Instance> instances = List.of(instance("web", alive, InstanceStatus.RUNNING, PortForward.tcp(port, 8080)));

        JcapException e = assertThrows(JcapException.class,
                () -> PublishedPorts.check(List.of(PortForward.tcp(port, 80)), instances));

        assertEquals("host port " + port + "/tcp is already published by instance 'web': pick another with -p HOST:GUEST",
                e.getMessage());
    }

    @Test
    void check_portOfAnEndedInstance_isFree() throws Exception {
        int port = freePort();
        HostProcess gone = new HostProcess(ProcessHandle.current().pid(), 1);
        List<Instance> instances = List.of(instance("old", gone, InstanceStatus.exited(0), PortForward.tcp(port, 8080)));

        PublishedPorts.check(List.of(PortForward.tcp(port, 8080)), instances);
    }

    /** A remote libvirt host's instance, on {@code host}: no QEMU process here. */
    private static Instance remote(String name, String host, PortForward port) {
        Path dir = Path.of("/tmp/instances", name);
        return new Instance(name, "http-server", "linux", Instant.parse("2026-01-02T03:04:05Z"), Optional.empty(),
                List.of(port), 128, 1, "tcg", DetachedQemu.GuestFiles.in(dir), dir.resolve("disk0.qcow2"),
                InstanceStatus.RUNNING, Optional.of(new Instance.Domain(LibvirtUri.parse("qemu+ssh://jcap@" + host
                        + "/system"), "jcap-" + name + "-0a1b2c3d", Path.of("/var/tmp/jcap-libvirt-jcap"))),
                ExitLine.UNTAGGED);
    }

    /**
     * The ports of an instance on a remote host are that host's: they clash with those of other
     * instances there only, and a port another program holds here does not matter there.
     */
    @Test
    void check_forARemoteHost_countsOnlyThatHostsInstances_andBindsNothingHere() throws Exception {
        HostProcess alive = HostProcess.of(ProcessHandle.current().pid()).orElseThrow();
        try (ServerSocket heldHere = new ServerSocket()) {
            heldHere.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = heldHere.getLocalPort();
            List<Instance> instances = List.of(instance("here", alive, InstanceStatus.RUNNING, PortForward.tcp(port, 80)),
                    remote("there", "kvm2", PortForward.tcp(port, 80)));

            PublishedPorts.check(List.of(PortForward.tcp(port, 8080)), instances, Optional.of("kvm1"));
            JcapException e = assertThrows(JcapException.class, () -> PublishedPorts.check(
                    List.of(PortForward.tcp(port, 8080)), instances, Optional.of("kvm2")));

            assertEquals("host port " + port + "/tcp of kvm2 is already published by instance 'there': pick another"
                    + " with -p HOST:GUEST", e.getMessage());
            JcapException local = assertThrows(JcapException.class, () -> PublishedPorts.check(
                    List.of(PortForward.tcp(port, 8080)), List.of(remote("there", "kvm2", PortForward.tcp(port, 80)))));
            assertEquals("host port " + port + "/tcp on 127.0.0.1 is in use by another program: pick another with -p"
                    + " HOST:GUEST", local.getMessage());
        }
    }

    @Test
    void describe_ofARemoteHostsInstance_namesTheHost() {
        assertEquals(List.of("127.0.0.1:18080->8080/tcp on kvm1"),
                remote("web", "kvm1", PortForward.tcp(18080, 8080)).portDescriptions());
    }

    @Test
    void check_portHeldByAnotherProgram_isRefused() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = taken.getLocalPort();

            JcapException e = assertThrows(JcapException.class,
                    () -> PublishedPorts.check(List.of(PortForward.tcp(port, 8080)), List.of()));

            assertEquals("host port " + port + "/tcp on 127.0.0.1 is in use by another program: pick another with"
                    + " -p HOST:GUEST", e.getMessage());
        }
    }

    @Test
    void describe_showsAddressPortsAndProtocol() {
        assertEquals("127.0.0.1:5353->53/udp",
                PublishedPorts.describe(new PortForward("127.0.0.1", 5353, 53, PortForward.Protocol.UDP)));
    }

    /** A non-root user's -p 80:8080: the kernel's privileged ports, not the address, are the cause. */
    @Test
    void cannotBind_permissionDeniedBelowTheUnprivilegedStart_namesRootOrCapNetBindService() {
        PortForward http = new PortForward("127.0.0.1", 80, 8080, PortForward.Protocol.TCP);

        assertEquals("cannot publish host port 80/tcp on 127.0.0.1: Permission denied (ports below 1024"
                + " (/proc/sys/net/ipv4/ip_unprivileged_port_start) need root or CAP_NET_BIND_SERVICE: pick a host"
                + " port from 1024 up with -p HOST:GUEST)", PublishedPorts.cannotBind(http, "Permission denied", 1024));
    }

    @Test
    void cannotBind_otherErrors_keepTheAddressHint() {
        PortForward high = new PortForward("10.9.9.9", 8080, 8080, PortForward.Protocol.TCP);
        PortForward low = new PortForward("10.9.9.9", 80, 8080, PortForward.Protocol.TCP);

        assertEquals("cannot publish host port 8080/tcp on 10.9.9.9: Permission denied (is it an address of this"
                + " machine?)", PublishedPorts.cannotBind(high, "Permission denied", 1024));
        assertEquals("cannot publish host port 80/tcp on 10.9.9.9: Cannot assign requested address (is it an"
                + " address of this machine?)", PublishedPorts.cannotBind(low, "Cannot assign requested address", 1024));
    }
}
