package io.jcap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** Progress as plain lines (CI, a pipe): a line per quarter, with a rate once the task has run a while. */
class ConsoleEventsTest {
    @Test
    void progressLines_showNoRateForTheFirstMoments_thenOne() {
        StringWriter text = new StringWriter();
        long[] now = {1_000_000_000L};
        ConsoleEvents events = new ConsoleEvents(new PrintWriter(text, true), false, false, () -> now[0]);

        now[0] += 1_000_000;   // 1 ms in: a megabyte of buffers filling
        events.progress("Pulling x", 1 << 20, 30 << 20);
        now[0] += 300_000_000;
        events.progress("Pulling x", 30 << 20, 30 << 20);

        String[] lines = text.toString().split("\n");
        assertEquals("Pulling x: 0% of 30.0 MiB", lines[0], "no rate measured over a millisecond");
        assertEquals("Pulling x: 100% of 30.0 MiB (104.9 MB/s)", lines[1], "30 MiB over 0.3 s");
    }
}
