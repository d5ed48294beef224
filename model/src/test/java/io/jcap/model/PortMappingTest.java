package io.jcap.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.model.PortMapping.Protocol;
import org.junit.jupiter.api.Test;

class PortMappingTest {
    @Test
    void parse_hostDefaultsToGuestAndProtocolToTcp() {
        assertEquals(new PortMapping(8080, 80, Protocol.TCP), PortMapping.parse("8080:80"));
        assertEquals(new PortMapping(80, 80, Protocol.TCP), PortMapping.parse("80"));
        assertEquals(new PortMapping(53, 53, Protocol.UDP), PortMapping.parse("53/udp"));
        assertEquals(new PortMapping(2222, 22, Protocol.TCP), PortMapping.parse("2222:22/tcp"));
    }

    @Test
    void parse_outOfRange_namesTheSide() {
        assertEquals("host port 70000 is outside 1..65535",
                assertThrows(IllegalArgumentException.class, () -> PortMapping.parse("70000:80")).getMessage());
        assertEquals("guest port 0 is outside 1..65535",
                assertThrows(IllegalArgumentException.class, () -> PortMapping.parse("0")).getMessage());
    }

    @Test
    void parse_otherText_namesTheSyntax() {
        assertEquals("'80:http' is not a port mapping: use HOST:GUEST or GUEST, optionally with /tcp or /udp "
                + "(8080:80, 53/udp)",
                assertThrows(IllegalArgumentException.class, () -> PortMapping.parse("80:http")).getMessage());
    }

    @Test
    void toString_readsBack() {
        assertEquals("8080:80", PortMapping.parse("8080:80/tcp").toString());
        assertEquals("53:53/udp", PortMapping.parse("53/udp").toString());
        assertEquals(PortMapping.parse("53/udp"), PortMapping.parse(PortMapping.parse("53/udp").toString()));
    }
}
