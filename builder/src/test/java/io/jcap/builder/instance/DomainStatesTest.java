package io.jcap.builder.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jcap.hypervisor.libvirt.LibvirtUri;
import io.jcap.testsupport.Component;
import io.jcap.testsupport.Requires;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DomainStatesTest {
    /** Each host is asked once however many of its domains are looked up, one that fails too. */
    @Test
    void running_manyDomainsOfOneHost_asksThatHostOnce() {
        LibvirtUri kvm1 = LibvirtUri.parse("qemu+ssh://jcap@kvm1/system");
        LibvirtUri gone = LibvirtUri.parse("qemu+ssh://jcap@gone/system");
        List<LibvirtUri> asked = new ArrayList<>();
        DomainStates states = new DomainStates(uri -> {
            asked.add(uri);
            return uri.equals(gone) ? null : Set.of("jcap-web-1");
        });

        assertEquals(Optional.of(true), states.running(kvm1, "jcap-web-1"));
        assertEquals(Optional.of(false), states.running(kvm1, "jcap-db-2"));
        assertEquals(Optional.empty(), states.running(gone, "jcap-a-3"));
        assertEquals(Optional.empty(), states.running(gone, "jcap-b-4"));

        assertEquals(List.of(kvm1, gone), asked);
    }

    /** This machine's libvirtd, asked for real: a domain that does not run reads so. */
    @Test
    @Requires(Component.LIBVIRT)
    void running_onTheLocalDaemon_aDomainThatDoesNotRun_isNotRunning() {
        assertEquals(Optional.of(false), new DomainStates().running(LibvirtUri.SYSTEM, "jcap-none-00000000"));
    }

    /** libvirt's ssh transport really run against a port nothing listens on: not known, not "ended". */
    @Test
    void running_onAHostThatCannotBeReached_isNotKnown() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        LibvirtUri uri = LibvirtUri.parse("qemu+ssh://jcap@127.0.0.1:" + closed + "/system?no_tty=1");

        assertEquals(Optional.empty(), new DomainStates().running(uri, "jcap-far-0a1b2c3d"));
    }
}
