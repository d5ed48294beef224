package io.jcap.builder.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.model.JcapException;
import io.jcap.testsupport.RecordedEvents;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostBuildCommandTest {
    /** A word with spaces (a Capstanfile's {@code build: sh -c "..."}) shows as one word, quoted as it can be written. */
    @Test
    void failingCommand_showsItsWordsQuoted_andItsLastLines(@TempDir Path project) {
        RecordedEvents events = new RecordedEvents();
        JcapException e = assertThrows(JcapException.class, () -> HostBuildCommand.run(
                List.of("sh", "-c", "echo compiling; exit 7"), project, events));
        assertEquals("build command 'sh -c \"echo compiling; exit 7\"' failed with exit code 7; its last output lines:\n"
                + "    compiling", e.getMessage());
        assertTrue(events.lines().contains("INFO Running build command: sh -c \"echo compiling; exit 7\""), events.lines().toString());
    }

    /** A tool colouring its output (Maven, npm, cargo) fails with its lines as they read, not escape codes. */
    @Test
    void failingCommand_colouringItsOutput_showsItsLinesWithoutColours(@TempDir Path project) {
        RecordedEvents events = new RecordedEvents();
        JcapException e = assertThrows(JcapException.class, () -> HostBuildCommand.run(List.of("sh", "-c",
                "printf '[\\033[1;34mINFO\\033[m] \\033[1;31mBUILD FAILURE\\033[m\\n'; exit 1"), project, events));
        assertTrue(e.getMessage().endsWith("its last output lines:\n    [INFO] BUILD FAILURE"), e.getMessage());
    }

    /**
     * A command killed by a signal while jcap itself runs on (someone else's kill) names the signal
     * beside its code; Java reports both as 128 + the signal, so the message says either may be.
     */
    @Test
    void commandKilledBySigterm_whileJcapRunsOn_isReportedAsStoppedBySignal(@TempDir Path project) {
        JcapException e = assertThrows(JcapException.class, () -> HostBuildCommand.run(
                List.of("sh", "-c", "kill -TERM $$"), project, new RecordedEvents()));
        assertEquals("build command 'sh -c \"kill -TERM $$\"' failed with exit code 143 (stopped by signal 15,"
                + " SIGTERM, or a program that exits with that code)", e.getMessage());
    }

    @Test
    void commandExiting130Itself_isNotSaidToBeStoppedBySignalOnly(@TempDir Path project) {
        JcapException e = assertThrows(JcapException.class, () -> HostBuildCommand.run(
                List.of("sh", "-c", "exit 130"), project, new RecordedEvents()));
        assertEquals("build command 'sh -c \"exit 130\"' failed with exit code 130 (stopped by signal 2, SIGINT, or a"
                + " program that exits with that code)", e.getMessage());
    }
}
