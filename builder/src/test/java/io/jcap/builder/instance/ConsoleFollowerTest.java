package io.jcap.builder.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jcap.hypervisor.ConsoleLineSplitter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleFollowerTest {
    @TempDir
    Path dir;

    @Test
    void read_withoutFollow_givesTheLinesThereAndTheUnfinishedLast() throws Exception {
        Path log = Files.writeString(dir.resolve("console.log"), "one\r\ntwo\nthree");
        List<String> lines = new ArrayList<>();

        ConsoleFollower.read(log, null, lines::add);

        assertEquals(List.of("one", "two", "three"), lines);
    }

    @Test
    void read_follow_readsWhatTheGuestAppendsUntilItEnds() throws Exception {
        Path log = Files.writeString(dir.resolve("console.log"), "booted\n");
        AtomicInteger asked = new AtomicInteger();
        // The "guest" appends a line when first asked whether it runs, and has ended when asked again.
        BooleanSupplier running = () -> {
            if (asked.getAndIncrement() == 0) {
                try {
                    Files.writeString(log, "later\nlast words", StandardOpenOption.APPEND);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return true;
            }
            return false;
        };
        List<String> lines = new ArrayList<>();

        ConsoleFollower.read(log, running, lines::add);

        assertEquals(List.of("booted", "later", "last words"), lines);
        assertEquals(2, asked.get());
    }

    @Test
    void read_lineWithoutNewlines_isCutAndMarked() throws Exception {
        Path log = Files.writeString(dir.resolve("console.log"), "x".repeat(ConsoleLineSplitter.MAX_LINE + 3) + "\nnext");
        List<String> lines = new ArrayList<>();

        ConsoleFollower.read(log, null, lines::add);

        assertEquals(List.of("x".repeat(8192) + " \u2026 [line cut at 8192 bytes]", "next"), lines);
    }

    @Test
    void read_missingLog_givesNothing() throws Exception {
        List<String> lines = new ArrayList<>();

        ConsoleFollower.read(dir.resolve("none.log"), null, lines::add);

        assertEquals(List.of(), lines);
    }
}
