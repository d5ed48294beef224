package io.jcap.hypervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.model.JcapException;
import java.util.List;
import org.junit.jupiter.api.Test;

class PortsTest {
    private static final PortForward DNS = new PortForward("127.0.0.1", 5353, 53, PortForward.Protocol.UDP);

    @Test
    void assign_picksOnlyWhereThePortIsZero() throws Exception {
        List<PortForward> chosen = Ports.assign(List.of(PortForward.tcp(0, 8080), DNS), () -> 40123);

        assertEquals(List.of(PortForward.tcp(40123, 8080), DNS), chosen);
    }

    @Test
    void assign_supplierFails_namesTheGuestPort() {
        VmException e = assertThrows(VmException.class, () -> Ports.assign(List.of(PortForward.tcp(0, 8080)), () -> {
            throw new JcapException("no ports left");
        }));

        assertEquals("cannot pick a host port for guest port 8080: no ports left", e.summary());
    }
}
