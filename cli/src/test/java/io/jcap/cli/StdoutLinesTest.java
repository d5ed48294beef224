package io.jcap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** jcap run's and jcap logs' lines: once the reader has gone (a closed pipe), jcap stops, once. */
class StdoutLinesTest {
    @Test
    void accept_onAClosedPipe_stopsOnceAndWritesNoMore() {
        AtomicInteger written = new AtomicInteger();
        OutputStream pipe = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                if (written.incrementAndGet() > 8) {
                    throw new IOException("Broken pipe");
                }
            }
        };
        AtomicInteger stops = new AtomicInteger();
        StdoutLines lines = new StdoutLines(new PrintWriter(pipe), stops::incrementAndGet);

        lines.accept("tick 0");
        assertEquals(0, stops.get(), "the reader is there");
        lines.accept("tick 1");
        lines.accept("tick 2");
        lines.accept("tick 3");

        assertEquals(1, stops.get());
        assertEquals(9, written.get(), "nothing is written after the failed line");
    }
}
