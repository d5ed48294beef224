package io.jcap.hypervisor.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class LibvirtHintsTest {
    private static final LibvirtUri REMOTE = LibvirtUri.parse("qemu+ssh://jcap@kvm1:2222/system");

    @Test
    void forConnectFailure_socketMissing_saysToStartLibvirtd() {
        assertEquals(Optional.of(LibvirtHints.START_DAEMON), LibvirtHints.forConnectFailure(LibvirtUri.SYSTEM,
                "Failed to connect socket to '/var/run/libvirt/libvirt-sock': No such file or directory"));
    }

    @Test
    void forConnectFailure_socketDenied_saysToJoinTheLibvirtGroup() {
        assertEquals(Optional.of(LibvirtHints.SOCKET_DENIED), LibvirtHints.forConnectFailure(LibvirtUri.SYSTEM,
                "Failed to connect socket to '/var/run/libvirt/libvirt-sock': Permission denied"));
    }

    @Test
    void forConnectFailure_sshHostKeyUnknown_saysToAcceptItOnce() {
        assertEquals(Optional.of("the host key of [kvm1]:2222 is unknown or changed: connect once with"
                + " 'ssh -p 2222 jcap@kvm1' to check and accept it"), LibvirtHints.forConnectFailure(REMOTE,
                "Cannot recv data: Host key verification failed.: Connection reset by peer"));
    }

    @Test
    void forConnectFailure_sshLoginRefused_saysWhereTheKeyGoes() {
        assertEquals(Optional.of("the SSH login was refused: name the private key with ?keyfile=... and add its .pub"
                + " to ~/.ssh/authorized_keys of jcap on kvm1"), LibvirtHints.forConnectFailure(REMOTE,
                "Cannot recv data: jcap@kvm1: Permission denied (publickey).: Connection reset by peer"));
    }

    @Test
    void forConnectFailure_sshRefused_saysToCheckSshd() {
        assertEquals(Optional.of("check the host name and port and that sshd runs on kvm1"),
                LibvirtHints.forConnectFailure(REMOTE, "Cannot recv data: ssh: connect to host kvm1 port 2222:"
                        + " Connection refused: Connection reset by peer"));
    }

    @Test
    void forConnectFailure_unknownText_hasNoHint() {
        assertEquals(Optional.empty(), LibvirtHints.forConnectFailure(LibvirtUri.SYSTEM, "internal error: something"));
    }
}
