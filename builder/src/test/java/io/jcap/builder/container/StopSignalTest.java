package io.jcap.builder.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.model.JcapException;
import org.junit.jupiter.api.Test;

class StopSignalTest {
    @Test
    void number_namesWithAndWithoutSigNumbersAndRealTimeSignals_asDockerReadsThem() throws Exception {
        assertEquals(15, StopSignal.number("SIGTERM", "i"));
        assertEquals(3, StopSignal.number("QUIT", "i"));
        assertEquals(2, StopSignal.number("sigint", "i"));
        assertEquals(28, StopSignal.number("SIGWINCH", "i"));
        assertEquals(9, StopSignal.number("9", "i"));
        assertEquals(64, StopSignal.number("64", "i"));
        assertEquals(34, StopSignal.number("SIGRTMIN", "i"));
        assertEquals(37, StopSignal.number("SIGRTMIN+3", "i"));
        assertEquals(62, StopSignal.number("RTMAX-2", "i"));
    }

    @Test
    void number_outOfRangeOrUnknown_isRefusedNamingTheImageAndWhatIsAllowed() {
        for (String bad : new String[] {"0", "65", "SIGFOO", "", "RTMIN+40", "-1", "15x"}) {
            JcapException e = assertThrows(JcapException.class, () -> StopSignal.number(bad, "oci:app"), bad);
            assertEquals("oci:app: its StopSignal '" + bad + "' is not a signal: use a name such as SIGTERM, SIGINT or"
                    + " SIGQUIT, SIGRTMIN+N, or a number from 1 to 64", e.getMessage());
        }
    }
}
