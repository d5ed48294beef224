package io.jcap.kernels.mini;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.model.EventSink;
import io.jcap.testsupport.RecordedEvents;
import java.util.List;
import org.junit.jupiter.api.Test;

class MakeProgressTest {
    @Test
    void stepLines_giveALineEveryTenth_otherLinesOnlyTheTail() {
        RecordedEvents events = new RecordedEvents();
        MakeProgress progress = new MakeProgress("Compiling", 20, events);
        progress.accept("make[1]: Entering directory '/x'");
        progress.accept("  CC      kernel/fork.o");
        progress.accept("  CC      kernel/exit.o");
        progress.accept("  HOSTCC  scripts/basic/fixdep");
        progress.accept("In file included from x.c:1:");
        assertEquals(3, progress.steps());
        assertEquals(List.of("INFO Compiling: 10% (2 steps, CC      kernel/exit.o)"), events.lines());
        assertEquals("In file included from x.c:1:", progress.tail().get(progress.tail().size() - 1));
    }

    @Test
    void moreStepsThanExpected_neverSayAHundredPercent() {
        RecordedEvents events = new RecordedEvents();
        MakeProgress progress = new MakeProgress("Compiling", 10, events);
        for (int i = 0; i < 30; i++) {
            progress.accept("  CC      f" + i + ".o");
        }
        assertEquals("INFO Compiling: 90% (9 steps, CC      f8.o)", events.lines().get(events.lines().size() - 1));
        assertEquals(9, events.lines().size());
    }

    @Test
    void tail_keepsTheLast25Lines() {
        MakeProgress progress = new MakeProgress("Compiling", 10, EventSink.NONE);
        for (int i = 0; i < 40; i++) {
            progress.accept("line " + i);
        }
        assertEquals(25, progress.tail().size());
        assertEquals("line 15", progress.tail().get(0));
    }

    @Test
    void expected_mustBePositive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MakeProgress("Compiling", 0, EventSink.NONE));
        assertEquals("expected steps must be positive, not 0", e.getMessage());
    }
}
