package io.jcap.hypervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
    @Test
    void human_picksTheReadableUnit() {
        assertEquals("500 ms", Durations.human(Duration.ofMillis(500)));
        assertEquals("2500 ms", Durations.human(Duration.ofMillis(2500)));
        assertEquals("3 s", Durations.human(Duration.ofSeconds(3)));
        assertEquals("90 s", Durations.human(Duration.ofSeconds(90)));
        assertEquals("30 min", Durations.human(Duration.ofMinutes(30)));
    }
}
