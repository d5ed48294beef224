package io.jcap.hypervisor.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.hypervisor.GuestEndWatch;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watcher's reading of a console file that QEMU appends to, with a real process's lifetime. */
class ConsoleWatcherTest {
    private static final GuestEndWatch WATCH = new GuestEndWatch(Pattern.compile("(.*)JCAP-EXIT (\\d{1,3})$"),
            Duration.ofSeconds(30));

    @TempDir
    Path dir;

    @Test
    void follow_endLineSplitAcrossWrites_isSeenOnce_andTheLastBytesBeforeTheEndAreRead() throws Exception {
        Path log = Files.createFile(dir.resolve("console.log"));
        Process qemu = new ProcessBuilder("sleep", "60").start();
        AtomicInteger ends = new AtomicInteger();
        GuestEndWatch.Lines lines = WATCH.lines(ends::incrementAndGet);
        Thread writer = new Thread(() -> {
            try {
                append(log, "Linux booting\r\nJCAP-START\r\nhello\r\nJCAP-EX");
                Thread.sleep(300);
                append(log, "IT 0\r\nJCAP-EXIT 1\r\n");
                qemu.destroy();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();

        ConsoleWatcher.follow(log, qemu.toHandle(), lines, Duration.ofMillis(50));

        writer.join();
        assertTrue(lines.ended());
        assertEquals(1, ends.get(), "the end is acted on once");
    }

    @Test
    void follow_noEndLine_endsWithTheProcess_withoutActing() throws Exception {
        Path log = Files.writeString(dir.resolve("console.log"), "JCAP-START\r\nstill serving JCAP-EXIT 0 soon\r\n");
        Process qemu = new ProcessBuilder("sleep", "0.3").start();
        AtomicInteger ends = new AtomicInteger();
        GuestEndWatch.Lines lines = WATCH.lines(ends::incrementAndGet);

        ConsoleWatcher.follow(log, qemu.toHandle(), lines, Duration.ofMillis(50));

        // The handle's view, as follow's: Process.isAlive() stays true until the JVM's reaper thread has
        // collected the exit status, which a loaded machine delays (seen once in CI).
        assertFalse(qemu.toHandle().isAlive(), "follow ended with the process");
        assertFalse(lines.ended(), "a line that only mentions the end line is not it");
        assertEquals(0, ends.get());
    }

    private static void append(Path log, String text) throws Exception {
        Files.writeString(log, text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }
}
