package io.jcap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** Progress as plain lines (CI, a pipe): a line per quarter, with a rate once the task has run a while. */
class ConsoleEventsTest {
    @Test
    void progressLines_showNoRateForTheFirstMoments_thenOne() throws Exception {
        StringWriter text = new StringWriter();
        ConsoleEvents events = new ConsoleEvents(new PrintWriter(text, true), false, false);

        events.progress("Pulling x", 1 << 20, 30 << 20);
        Thread.sleep(300);
        events.progress("Pulling x", 30 << 20, 30 << 20);

        String[] lines = text.toString().split("\n");
        assertEquals("Pulling x: 0% of 30.0 MiB", lines[0], "no rate measured over a millisecond");
        assertTrue(lines[1].matches("Pulling x: 100% of 30\\.0 MiB \\(\\d+\\.\\d MB/s\\)"), lines[1]);
    }
}
