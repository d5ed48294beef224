package io.jcap.hypervisor.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jcap.hypervisor.PortForward;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ForwardingTest {
    private static final PortForward WEB = new PortForward("0.0.0.0", 18080, 8080, PortForward.Protocol.TCP);
    private static final PortForward DNS = new PortForward("127.0.0.1", 5353, 53, PortForward.Protocol.UDP);

    @TempDir
    Path dir;

    @Test
    void onHost_localDaemon_bindsTheForwardsAsAsked() {
        assertEquals(List.of(WEB, DNS), Forwarding.onHost(List.of(WEB, DNS), true));
    }

    @Test
    void onHost_remoteHost_picksALoopbackPortThereForTcpAndKeepsUdp() {
        assertEquals(List.of(PortForward.tcp(0, 8080), DNS), Forwarding.onHost(List.of(WEB, DNS), false));
    }

    @Test
    void reach_localDaemon_isTheChosenPortsThemselves() throws Exception {
        List<PortForward> chosen = List.of(PortForward.tcp(40123, 8080), DNS);

        assertEquals(chosen, Forwarding.reach(List.of(PortForward.tcp(0, 8080), DNS), chosen,
                new LocalHostFiles(dir, LibvirtUri.SYSTEM), true));
    }
}
