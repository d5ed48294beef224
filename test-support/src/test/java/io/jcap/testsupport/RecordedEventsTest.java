package io.jcap.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class RecordedEventsTest {
    @Test
    void log_keepsLevelAndMessageInOrder_dropsProgress_andClearForgets() {
        RecordedEvents events = new RecordedEvents();
        events.info("Stored kernel linux");
        events.progress("Downloading", 1, 2);
        events.warn("no modules");
        assertEquals(List.of("INFO Stored kernel linux", "WARN no modules"), events.lines());
        events.clear();
        assertEquals(List.of(), events.lines());
    }
}
