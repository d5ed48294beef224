package io.jcap.hypervisor.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.hypervisor.ConsoleLineSplitter;
import io.jcap.hypervisor.ConsoleLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleFollowerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @Test
    void follow_growingFile_splitsLinesDropsCrAndEndsWithThePartialLine() throws Exception {
        Path file = Files.createFile(dir.resolve("console.log"));
        ConsoleLog log = new ConsoleLog(10);
        List<String> heard = new CopyOnWriteArrayList<>();
        ConsoleFollower follower = new ConsoleFollower(new LocalHostFiles(dir, LibvirtUri.SYSTEM), file.toString(), log, heard::add,
                () -> { }, "test-console");
        follower.start();

        append(file, "SeaBIOS\r\nJCAP-RE");
        assertTrue(log.await(0, "SeaBIOS"::equals, Instant.now().plus(WAIT)).isPresent());
        append(file, "ADY port=10000\nlast");
        assertTrue(log.await(1, l -> l.startsWith("JCAP-READY"), Instant.now().plus(WAIT)).isPresent());
        follower.finish();
        follower.join(WAIT);

        assertTrue(log.ended());
        assertEquals(List.of("SeaBIOS", "JCAP-READY port=10000", "last"), log.tail());
        assertEquals(log.tail(), heard);
    }

    @Test
    void follow_lineWithoutNewline_isCutAndMarked() throws Exception {
        Path file = Files.createFile(dir.resolve("console.log"));
        append(file, "x".repeat(ConsoleLineSplitter.MAX_LINE + 3) + "\nnext");
        ConsoleLog log = new ConsoleLog(10);
        ConsoleFollower follower = new ConsoleFollower(new LocalHostFiles(dir, LibvirtUri.SYSTEM), file.toString(), log, l -> { },
                () -> { }, "test-console");
        follower.start();

        follower.finish();
        follower.join(WAIT);

        assertEquals(List.of("x".repeat(8192) + " \u2026 [line cut at 8192 bytes]", "next"), log.tail());
    }

    private static void append(Path file, String text) throws Exception {
        Files.write(file, text.getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
    }
}
