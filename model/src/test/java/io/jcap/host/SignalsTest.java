package io.jcap.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class SignalsTest {
    @Test
    void numberAndName_ofStandardSignals() {
        assertEquals(Optional.of(15), Signals.number("TERM"));
        assertEquals(Optional.of(6), Signals.number("IOT"));
        assertEquals(Optional.empty(), Signals.number("NOPE"));
        assertEquals(Optional.of("SIGKILL"), Signals.name(9));
        assertEquals(Optional.empty(), Signals.name(34), "a real-time signal has no standard name");
    }

    /** What Process.exitValue() gives: 128 + the signal for a process a signal ended. */
    @Test
    void killedByAndDescribeEnd_tellASignalFromAStatus() {
        assertEquals(OptionalInt.of(9), Signals.killedBy(137));
        assertEquals(OptionalInt.empty(), Signals.killedBy(1));
        assertEquals(OptionalInt.empty(), Signals.killedBy(128));
        assertEquals("killed by signal 15 (SIGTERM)", Signals.describeEnd(143));
        assertEquals("killed by signal 40", Signals.describeEnd(168));
        assertEquals("exited with status 1", Signals.describeEnd(1));
    }
}
