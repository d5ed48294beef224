package io.jcap.hypervisor.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LibvirtUriTest {
    @Test
    void parse_systemUri_isLocalQemuWithoutSsh() {
        LibvirtUri uri = LibvirtUri.parse("qemu:///system");

        assertEquals("qemu", uri.driver());
        assertEquals(Optional.empty(), uri.transport());
        assertTrue(uri.isLocal());
        assertEquals(Optional.empty(), uri.sshTarget());
        assertEquals("qemu:///system", uri.toString());
    }

    @Test
    void sshTarget_sshUriWithParameters_takesUserPortKeyAndKnownHosts() {
        LibvirtUri uri = LibvirtUri.parse(
                "qemu+ssh://jcap@kvm1.example.org:2222/system?keyfile=/home/me/.ssh/kvm&known_hosts=/tmp/kh&no_verify=0");

        SshTarget target = uri.sshTarget().orElseThrow();

        assertEquals(Optional.of("ssh"), uri.transport());
        assertFalse(uri.isLocal());
        assertEquals(new SshTarget("jcap", "kvm1.example.org", 2222, Optional.of(Path.of("/home/me/.ssh/kvm")),
                Path.of("/tmp/kh")), target);
        assertEquals("[kvm1.example.org]:2222", target.hostKeyName());
        assertEquals("ssh -p 2222 jcap@kvm1.example.org", target.sshCommand());
        assertEquals(Map.of("keyfile", "/home/me/.ssh/kvm", "known_hosts", "/tmp/kh", "no_verify", "0"),
                uri.parameters());
    }

    @Test
    void sshTarget_bareSshUri_defaultsToThisUserPort22AndUsersKnownHosts() {
        SshTarget target = LibvirtUri.parse("qemu+libssh2://kvm1/system").sshTarget().orElseThrow();

        assertEquals(System.getProperty("user.name"), target.user());
        assertEquals(22, target.port());
        assertEquals(Optional.empty(), target.keyFile());
        assertEquals(Path.of(System.getProperty("user.home"), ".ssh", "known_hosts"), target.knownHosts());
        assertEquals("kvm1", target.hostKeyName());
        assertEquals("ssh " + target.user() + "@kvm1", target.sshCommand());
    }

    @Test
    void sshTarget_tlsUri_isEmpty() {
        LibvirtUri uri = LibvirtUri.parse("qemu+tls://kvm1/system");

        assertFalse(uri.isLocal());
        assertEquals(Optional.empty(), uri.sshTarget());
    }

    @Test
    void parameters_percentEncodedValue_isDecoded() {
        LibvirtUri uri = LibvirtUri.parse("qemu+ssh://kvm1/system?keyfile=/keys/my%20key");

        assertEquals(Path.of("/keys/my key"), uri.sshTarget().orElseThrow().keyFile().orElseThrow());
    }

    @Test
    void parse_passwordInUri_isRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LibvirtUri.parse("qemu+ssh://root:secret@kvm1/system"));

        assertEquals("a libvirt URI must not carry a password: use an SSH key (keyfile=...)", e.getMessage());
    }

    @Test
    void parse_noScheme_isRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LibvirtUri.parse("/system"));

        assertEquals("a libvirt URI looks like qemu:///system or qemu+ssh://user@host/system, got /system",
                e.getMessage());
    }

    @Test
    void parse_otherHypervisorDriver_isRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LibvirtUri.parse("bogus://x"));

        assertEquals("jcap's libvirt guests are QEMU domains: the URI must start with qemu (qemu:///system,"
                + " qemu:///session, qemu+ssh://user@host/system), got bogus://x", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LibvirtUri.parse("xen:///system"));
    }

    @Test
    void parse_unknownTransport_isRejectedWithTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LibvirtUri.parse("qemu+sssh://kvm1/system"));

        assertEquals("unknown libvirt transport 'sssh' in qemu+sssh://kvm1/system: use one of ext, libssh, libssh2, ssh,"
                + " tcp, tls, unix", e.getMessage());
    }

    @Test
    void parse_everyLibvirtTransport_isAccepted() {
        for (String t : new String[] {"unix", "ssh", "libssh", "libssh2", "tcp", "tls", "ext"}) {
            assertEquals(java.util.Optional.of(t), LibvirtUri.parse("qemu+" + t + "://kvm1/system").transport());
        }
    }
}
