package io.jcap.hypervisor.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.hypervisor.Ports;
import io.jcap.testsupport.Component;
import io.jcap.testsupport.Requires;
import java.util.Optional;
import org.junit.jupiter.api.Test;

@Requires(Component.LIBVIRT)
class LibvirtProbeIT {
    @Test
    void probe_localSystemDaemon_reportsVersions() {
        LibvirtStatus status = LibvirtProbe.probe(LibvirtUri.SYSTEM);

        assertTrue(status.reachable());
        assertTrue(status.libvirtVersion().orElseThrow().matches("\\d+\\.\\d+\\.\\d+"), status.toString());
        assertTrue(status.hypervisorVersion().orElseThrow().matches("\\d+\\.\\d+\\.\\d+"), status.toString());
        assertEquals(Optional.empty(), status.problem());
    }

    @Test
    void probe_nothingListensOnTheSshPort_reportsTheProblemAndWhatToCheck() throws Exception {
        int port = Ports.freeLoopbackPort();
        LibvirtUri uri = LibvirtUri.parse("qemu+libssh://jcap@127.0.0.1:" + port
                + "/system?keyfile=/nonexistent/key&sshauth=privkey");

        LibvirtStatus status = LibvirtProbe.probe(uri);

        assertFalse(status.reachable());
        assertEquals(Optional.of("unable to connect to server at '127.0.0.1:" + port + "': Connection refused"),
                status.problem());
        assertEquals(Optional.of("check the host name and port and that sshd runs on 127.0.0.1"), status.hint());
    }
}
