package io.jcap.builder.family.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.hypervisor.qemu.QemuEnding;
import io.jcap.streamer.ExitLine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleVerdictTest {
    @TempDir
    Path dir;

    @Test
    void status_exitAfterOutputWithoutNewline_isTheExitStatus() {
        ConsoleVerdict v = ConsoleVerdict.parse("JCAP-START\nno newline hereJCAP-EXIT 3\n[    2.8] reboot: Power down", ExitLine.UNTAGGED);

        assertEquals("exited (3)", v.status(false, Optional.empty()).toString());
    }

    @Test
    void status_applicationPrintsTheMarkerItself_lastOneCounts() {
        ConsoleVerdict v = ConsoleVerdict.parse("JCAP-START\nJCAP-EXIT 9\nmore output\nJCAP-EXIT 0\n", ExitLine.UNTAGGED);

        assertEquals("exited (0)", v.status(true, Optional.empty()).toString());
    }

    /** A tagged run's log: the application's own end lines, even the last one, count for nothing. */
    @Test
    void status_taggedRun_onlyTheLineWithTheTagCounts() {
        ExitLine end = new ExitLine(java.util.Optional.of("00112233445566778899aabbccddeeff"));
        ConsoleVerdict ended = ConsoleVerdict.parse("JCAP-START\nJCAP-EXIT 9\nJCAP-EXIT 3 00112233445566778899aabbccddeeff\n"
                + "[    2.8] reboot: Power down\n", end);
        ConsoleVerdict killed = ConsoleVerdict.parse("JCAP-START\nJCAP-EXIT 0 00112233445566778899aabbccddeeff0\n"
                + "JCAP-EXIT 9\n", end);

        assertEquals("exited (3)", ended.status(false, Optional.empty()).toString());
        assertEquals("exited (killed)", killed.status(false, Optional.empty()).toString());
    }

    @Test
    void status_initError_isError_unlessJcapStoppedIt() {
        ConsoleVerdict v = ConsoleVerdict.parse("JCAP-ERROR /.jcap/config has no arg line: nothing to run\n", ExitLine.UNTAGGED);

        assertEquals("exited (error)", v.status(false, Optional.empty()).toString());
        assertEquals("exited (stopped)", v.status(true, Optional.empty()).toString());
    }

    @Test
    void status_noMarkers_isKilled_unlessTheGuestResetItself() {
        ConsoleVerdict v = ConsoleVerdict.parse("JCAP-START\nhttp-server: listening\n", ExitLine.UNTAGGED);

        assertEquals("exited (killed)", v.status(false, Optional.empty()).toString());
        assertEquals("exited (killed)", v.status(false, Optional.of(QemuEnding.VANISHED)).toString());
        assertEquals("exited (killed)", v.status(false, Optional.of(QemuEnding.HOST)).toString());
        // A kernel panic: panic=-1 resets the guest, and -no-reboot ends QEMU.
        assertEquals("exited (error)", v.status(false, Optional.of(QemuEnding.GUEST_FAILURE)).toString());
        assertEquals("exited (stopped)", v.status(true, Optional.of(QemuEnding.GUEST_FAILURE)).toString());
    }

    @Test
    void read_missingLog_isKilled_andLongLogIsReadFromItsTail() throws Exception {
        assertEquals("exited (killed)", ConsoleVerdict.read(dir.resolve("none.log"), ExitLine.UNTAGGED).status(false, Optional.empty()).toString());
        Path log = dir.resolve("console.log");
        Files.writeString(log, "JCAP-START\n" + "x".repeat(ConsoleVerdict.TAIL_BYTES * 2) + "\nJCAP-EXIT 5\n");

        assertEquals("exited (5)", ConsoleVerdict.read(log, ExitLine.UNTAGGED).status(false, Optional.empty()).toString());
    }

    @Test
    void applicationStarted_readsTheInitsStartLineInTheLogsHead() throws Exception {
        Path booting = Files.writeString(dir.resolve("booting.log"), "[    1.2] early message\n");
        Path started = Files.writeString(dir.resolve("started.log"), "[    1.2] early message\r\nJCAP-START\r\nhi\r\n");

        assertFalse(ConsoleVerdict.applicationStarted(booting));
        assertTrue(ConsoleVerdict.applicationStarted(started));
        assertFalse(ConsoleVerdict.applicationStarted(dir.resolve("missing.log")));
    }

    @Test
    void applicationStarted_rotatedLog_countsAsStarted() throws Exception {
        // JCAP-START rotated away with the first 8 MiB; the boot messages before it are far fewer.
        Files.writeString(dir.resolve("console.log.1"), "application output\n");
        Path log = Files.writeString(dir.resolve("console.log"), "more application output\n");

        assertTrue(ConsoleVerdict.applicationStarted(log));
    }

    @Test
    void read_exitLineJustRotatedAway_isStillFound() throws Exception {
        Files.writeString(dir.resolve("console.log.1"), "output\r\nJCAP-EXIT 3\r\n");
        Path log = Files.writeString(dir.resolve("console.log"), "");

        assertEquals(java.util.OptionalInt.of(3), ConsoleVerdict.read(log, ExitLine.UNTAGGED).exitStatus());
    }

    private java.util.List<String> applicationOutput(Path log) throws Exception {
        java.util.List<String> lines = new java.util.ArrayList<>();
        io.jcap.builder.instance.ConsoleFollower.read(log, null,
                new LinuxFamily().instanceConsole(ExitLine.UNTAGGED).applicationOutput(log, lines::add));
        return lines;
    }

    @Test
    void applicationOutput_startRotatedAway_passesEveryLine() throws Exception {
        Files.writeString(dir.resolve("console.log.1"), "output 1\r\noutput 2\r\n");
        Path log = Files.writeString(dir.resolve("console.log"), "output 3\r\nJCAP-EXIT 0\r\n");

        assertEquals(java.util.List.of("output 1", "output 2", "output 3"), applicationOutput(log));
    }

    @Test
    void applicationOutput_startInTheRotatedPart_leavesTheBootOut() throws Exception {
        Files.writeString(dir.resolve("console.log.1"), "[    1.2] boot\r\nJCAP-START\r\noutput 1\r\n");
        Path log = Files.writeString(dir.resolve("console.log"), "output 2\r\nJCAP-EXIT 0\r\n");

        assertEquals(java.util.List.of("output 1", "output 2"), applicationOutput(log));
    }

    @Test
    void applicationOutput_notRotated_leavesTheBootOut() throws Exception {
        Path log = Files.writeString(dir.resolve("console.log"), "[    1.2] boot\r\nJCAP-START\r\nhi\r\nJCAP-EXIT 0\r\n");

        assertEquals(java.util.List.of("hi"), applicationOutput(log));
    }
}
