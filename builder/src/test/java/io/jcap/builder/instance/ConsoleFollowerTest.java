package io.jcap.builder.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /** --tail -f: the last lines of what the log held, told once the reader caught up, then every later line. */
    @Test
    void read_follow_toldWhenCaughtUp_givesTheLastLinesThenWhatFollows() throws Exception {
        Path log = Files.writeString(dir.resolve("console.log"), "a\nb\nc\nd\n");
        AtomicInteger asked = new AtomicInteger();
        BooleanSupplier running = () -> {
            if (asked.getAndIncrement() == 0) {
                try {
                    Files.writeString(log, "e\nf\n", StandardOpenOption.APPEND);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return true;
            }
            return false;
        };
        List<String> lines = new ArrayList<>();
        LastLines last = new LastLines(2, lines::add);
        AtomicInteger told = new AtomicInteger();

        ConsoleFollower.read(log, running, last, () -> {
            told.incrementAndGet();
            last.flush();
        });

        assertEquals(List.of("c", "d", "e", "f"), lines);
        assertEquals(1, told.get());
    }

    @Test
    void lastLines_keepsTheLastOnes_zeroKeepsNone_andPassesLaterLinesStraightOn() {
        List<String> out = new ArrayList<>();
        LastLines none = new LastLines(0, out::add);
        List.of("x", "y").forEach(none);
        none.flush();
        none.accept("z");
        none.flush();
        assertEquals(List.of("z"), out);
        assertThrows(IllegalArgumentException.class, () -> new LastLines(-1, out::add));
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

    /** What the console keeper does at its limit: console.log becomes console.log.1, a new console.log starts. */
    private static void rotate(Path log, String newContent) throws java.io.IOException {
        Files.move(log, log.resolveSibling("console.log.1"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Files.writeString(log, newContent);
    }

    private static BooleanSupplier runningWhile(List<java.util.concurrent.Callable<Void>> steps) {
        AtomicInteger asked = new AtomicInteger();
        return () -> {
            int step = asked.getAndIncrement();
            if (step < steps.size()) {
                try {
                    steps.get(step).call();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return true;
            }
            return false;
        };
    }

    @Test
    void read_rotatedLog_givesTheOlderPartFirst_andJoinsALineCutByTheRotation() throws Exception {
        Files.writeString(dir.resolve("console.log.1"), "one\ntw");
        Path log = Files.writeString(dir.resolve("console.log"), "o\nthree\n");
        List<String> lines = new ArrayList<>();

        ConsoleFollower.read(log, null, lines::add);

        assertEquals(List.of("one", "two", "three"), lines);
    }

    @Test
    void read_follow_goesOnAcrossARotation() throws Exception {
        assertEquals(List.of("booted", "end of part one", "part two", "last words"),
                followAcrossARotation(ConsoleFollowerTest::rotate));
    }

    /** Follows a log that the writer finishes, rotates with {@code rotation}, and goes on writing. */
    private List<String> followAcrossARotation(Rotation rotation) throws Exception {
        Path log = Files.writeString(dir.resolve("console.log"), "booted\n");
        BooleanSupplier running = runningWhile(List.of(() -> {
            Files.writeString(log, "end of part one\n", StandardOpenOption.APPEND);
            rotation.rotate(log, "part two\n");
            return null;
        }, () -> {
            Files.writeString(log, "last words", StandardOpenOption.APPEND);
            return null;
        }));
        List<String> lines = new ArrayList<>();
        ConsoleFollower.read(log, running, lines::add);
        return lines;
    }

    /** How a log is rotated: renamed away, and a new file with {@code newContent} in its place. */
    @FunctionalInterface
    private interface Rotation {
        void rotate(Path log, String newContent) throws java.io.IOException;
    }

    @Test
    void read_follow_twoRotationsBetweenLooks_readsWhatIsKeptAndSaysOutputMayBeMissing() throws Exception {
        Path log = Files.writeString(dir.resolve("console.log"), "part one\n");
        BooleanSupplier running = runningWhile(List.of(() -> {
            rotate(log, "part two\n");
            rotate(log, "part three\n");
            return null;
        }));
        List<String> lines = new ArrayList<>();

        ConsoleFollower.read(log, running, lines::add);

        assertEquals(List.of("part one", ConsoleFollower.SKIPPED, "part two", "part three"), lines);
    }

    @Test
    void read_follow_threeRotationsBetweenLooks_losesOnlyTheMiddle() throws Exception {
        Path log = Files.writeString(dir.resolve("console.log"), "part one\n");
        BooleanSupplier running = runningWhile(List.of(() -> {
            rotate(log, "part two\n");
            rotate(log, "part three\n");
            rotate(log, "part four\n");
            return null;
        }));
        List<String> lines = new ArrayList<>();

        ConsoleFollower.read(log, running, lines::add);

        assertEquals(List.of("part one", ConsoleFollower.SKIPPED, "part three", "part four"), lines);
    }

    /** virtlogd's way (a detached libvirt domain): .0 is the newest previous part, .1 and .2 older ones. */
    private static void rotateAsVirtlogd(Path log, String newContent) throws java.io.IOException {
        for (int i = 1; i >= 0; i--) {
            Path older = log.resolveSibling("console.log." + i);
            if (Files.exists(older)) {
                Files.move(older, log.resolveSibling("console.log." + (i + 1)), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.move(log, log.resolveSibling("console.log.0"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Files.writeString(log, newContent);
    }

    @Test
    void read_logRotatedByVirtlogd_givesItsNewestPreviousPartFirst() throws Exception {
        Path log = Files.writeString(dir.resolve("console.log"), "one\n");
        rotateAsVirtlogd(log, "two\n");
        rotateAsVirtlogd(log, "three\nfo");
        Files.writeString(log, "ur\n", StandardOpenOption.APPEND);
        List<String> lines = new ArrayList<>();

        ConsoleFollower.read(log, null, lines::add);

        assertEquals(List.of("two", "three", "four"), lines);
        assertTrue(ConsoleFollower.rotated(log));
        assertEquals("two\nthree\nfour\n", ConsoleFollower.tail(log, 100));
        assertTrue(ConsoleFollower.startRotatedAway(log, "one", 100));
        assertFalse(ConsoleFollower.startRotatedAway(log, "two", 100));
    }

    @Test
    void read_follow_goesOnAcrossAVirtlogdRotation() throws Exception {
        assertEquals(List.of("booted", "end of part one", "part two", "last words"),
                followAcrossARotation(ConsoleFollowerTest::rotateAsVirtlogd));
    }

    @Test
    void tail_spansTheRotation() throws Exception {
        Files.writeString(dir.resolve("console.log.1"), "0123456789");
        Path log = Files.writeString(dir.resolve("console.log"), "abc");

        assertEquals("789abc", ConsoleFollower.tail(log, 6));
        assertEquals("bc", ConsoleFollower.tail(log, 2));
        assertEquals("0123456789abc", ConsoleFollower.tail(log, 100));
    }
}
