package io.jcap.builder.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.model.JcapException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContainerConfigTest {
    private static ContainerConfig parse(String config) throws JcapException {
        return ContainerConfig.parse(("{\"os\":\"linux\",\"architecture\":\"amd64\",\"config\":" + config + "}")
                .getBytes(StandardCharsets.UTF_8), "oci:x");
    }

    private static String refusal(String config) {
        return assertThrows(JcapException.class, () -> parse(config)).getMessage();
    }

    @Test
    void parse_listsOfStrings_areRead() throws Exception {
        ContainerConfig c = parse("{\"Entrypoint\":[\"/bin/sh\"],\"Cmd\":[\"-c\",\"x\"],\"Env\":[\"A=1\"]}");

        assertEquals(List.of("/bin/sh", "-c", "x"), c.command());
        assertEquals(List.of("A=1"), c.env());
        assertEquals(List.of(), parse("{\"Env\":null}").env());
    }

    @Test
    void parse_envCmdOrEntrypointNotAListOfStrings_isRefusedNotIgnored() {
        assertEquals("oci:x: the image config's Env is a string (\"A=1\"), not a list of strings",
                refusal("{\"Env\":\"A=1\"}"));
        assertEquals("oci:x: the image config's Cmd is an object, not a list of strings", refusal("{\"Cmd\":{}}"));
        assertEquals("oci:x: the image config's Entrypoint holds a number (5), not only strings",
                refusal("{\"Entrypoint\":[\"/bin/x\",5]}"));
    }

    @Test
    void parse_exposedPortsOtherThanTcpAndUdp_areLeftOutAndReported() throws Exception {
        ContainerConfig c = parse("{\"ExposedPorts\":{\"80/tcp\":{},\"53/udp\":{},\"9000/sctp\":{},\"8080\":{}}}");

        assertEquals(List.of("80/tcp", "53/udp", "8080"), c.exposedPorts());
        assertEquals(List.of("ExposedPorts 9000/sctp"), c.ignored());
    }
}
