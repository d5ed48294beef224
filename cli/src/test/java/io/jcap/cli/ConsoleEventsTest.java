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

    /** A bar line that wraps cannot be redrawn with a carriage return: it narrows, then the name shortens. */
    @Test
    void line_fitsTheTerminal_narrowingTheBarThenTheName() {
        String rate = " (47.3 MB/s)";
        String wide = ConsoleEvents.line("Streaming files", 10 << 20, 20 << 20, rate, 199);
        String at80 = ConsoleEvents.line("Streaming files", 10 << 20, 20 << 20, rate, 79);
        String longName = ConsoleEvents.line("Pushing hello to registry.example.com:5000/team/a-very-long-repository/hello:1",
                10 << 20, 20 << 20, rate, 79);

        assertEquals("Streaming files [###############               ]  50% 10.0 MiB/20.0 MiB (47.3 MB/s)", wide);
        assertEquals("Streaming files [#############             ]  50% 10.0 MiB/20.0 MiB (47.3 MB/s)", at80);
        assertEquals(79, at80.length());
        assertEquals("Pushing hello to registry.exam\u2026 [#####     ]  50% 10.0 MiB/20.0 MiB"
                + " (47.3 MB/s)", longName);
        assertEquals(79, longName.length());
    }

    /** An error line or an interrupt clears a bar left on the screen, so that nothing is written onto it. */
    @Test
    void endBar_clearsABarOnTheScreen() {
        StringWriter text = new StringWriter();
        long[] now = {1_000_000_000L};
        ConsoleEvents events = new ConsoleEvents(new PrintWriter(text, true), true, false, () -> now[0]);
        events.progress("Pulling x", 1 << 20, 30 << 20);

        ConsoleEvents.endBar();
        ConsoleEvents.endBar();

        assertEquals("\rPulling x [#                             ]   3% 1.0 MiB/30.0 MiB\u001b[K\r\u001b[K", text.toString());
    }

    @Test
    void log_messageQuotingAnEscapeSequence_reachesTheTerminalEscaped() {
        StringWriter text = new StringWriter();
        ConsoleEvents events = new ConsoleEvents(new PrintWriter(text, true), false);
        events.warn("ExposedPorts 9000\u001b]0;PWN\u0007\u001b[31m/sctp is not honoured\nsecond line");
        assertEquals("warning: ExposedPorts 9000\\x1b]0;PWN\\x07\\x1b[31m/sctp is not honoured\nsecond line"
                + System.lineSeparator(), text.toString());
    }

    @Test
    void terminal_isTheDescriptorsDevice() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("fd");
        try {
            java.nio.file.Path pts = java.nio.file.Files.createSymbolicLink(dir.resolve("2"), java.nio.file.Path.of("/dev/pts/3"));
            java.nio.file.Path file = java.nio.file.Files.createSymbolicLink(dir.resolve("1"), java.nio.file.Path.of("/tmp/log"));
            java.nio.file.Path pipe = java.nio.file.Files.createSymbolicLink(dir.resolve("0"), java.nio.file.Path.of("pipe:[123]"));
            assertEquals(true, Terminal.isTerminal(pts));
            assertEquals(false, Terminal.isTerminal(file));
            assertEquals(false, Terminal.isTerminal(pipe));
        } finally {
            io.jcap.host.FileTrees.deleteQuietly(dir);
        }
    }

    /** A task reported done twice (its last piece, then its end) shows once; the same task run again shows again. */
    @Test
    void progress_taskDoneTwice_showsItsEndOnce_aTaskRunAgainShowsAgain() {
        for (boolean live : new boolean[] {false, true}) {
            StringWriter text = new StringWriter();
            ConsoleEvents events = new ConsoleEvents(new PrintWriter(text, true), live, false, () -> 0L);
            events.progress("Writing ROFS", 3, 4);
            events.progress("Writing ROFS", 4, 4);
            events.progress("Writing ROFS", 4, 4);
            events.progress("Writing ROFS", 1, 4);
            events.progress("Writing ROFS", 4, 4);

            long ends = text.toString().lines().flatMap(l -> java.util.Arrays.stream(l.split("\r")))
                    .filter(l -> l.contains("100%")).count();
            assertEquals(2, ends, (live ? "bar: " : "lines: ") + text);
        }
    }
}
