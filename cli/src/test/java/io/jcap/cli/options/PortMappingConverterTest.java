package io.jcap.cli.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.model.PortMapping;
import org.junit.jupiter.api.Test;

class PortMappingConverterTest {
    private final PortMappingConverter converter = new PortMappingConverter();

    private String refusal(String text) {
        return assertThrows(OptionValueException.class, () -> converter.convert(text)).getMessage();
    }

    @Test
    void convert_hostAndGuest_isTcpByDefault() {
        assertEquals(new PortMapping(18080, 8080, PortMapping.Protocol.TCP), converter.convert("18080:8080"));
    }

    @Test
    void convert_guestAlone_usesTheSameHostPort() {
        assertEquals(new PortMapping(8080, 8080, PortMapping.Protocol.TCP), converter.convert("8080"));
    }

    @Test
    void convert_withProtocol_isThatProtocol() {
        assertEquals(new PortMapping(5353, 53, PortMapping.Protocol.UDP), converter.convert("5353:53/udp"));
        assertEquals(new PortMapping(53, 53, PortMapping.Protocol.UDP), converter.convert("53/udp"));
        assertEquals(new PortMapping(80, 80, PortMapping.Protocol.TCP), converter.convert("80/tcp"));
    }

    @Test
    void convert_badForms_nameTheValueAndTheSyntax() {
        assertEquals("'80:' is not a port mapping: use HOST:GUEST or GUEST, optionally with /tcp or /udp"
                + " (8080:80, 53/udp)", refusal("80:"));
        assertEquals("'8080:80/sctp' is not a port mapping: use HOST:GUEST or GUEST, optionally with /tcp or /udp"
                + " (8080:80, 53/udp)", refusal("8080:80/sctp"));
        assertEquals("'127.0.0.1:80:80' is not a port mapping: use HOST:GUEST or GUEST, optionally with /tcp or /udp"
                + " (8080:80, 53/udp)", refusal("127.0.0.1:80:80"));
    }

    @Test
    void convert_portsOutOfRange_sayWhichSide() {
        assertEquals("host port 70000 is outside 1..65535", refusal("70000:80"));
        assertEquals("guest port 0 is outside 1..65535", refusal("8080:0"));
    }
}
