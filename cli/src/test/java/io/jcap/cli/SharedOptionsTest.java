package io.jcap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.hypervisor.Accelerator;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The options several commands share through mixins reach each of those commands. */
class SharedOptionsTest {
    private static <T> T parsed(T command, String... args) {
        new CommandLine(command).parseArgs(args);
        return command;
    }

    @Test
    void verbose_shortAndLong_setVerbosityOnRunBuildAndLogs() {
        assertTrue(parsed(new RunCommand(), "-v", "hello").verbosity.verbose());
        assertTrue(parsed(new RunCommand(), "--verbose", "hello").verbosity.verbose());
        assertTrue(parsed(new BuildCommand(), "-v").verbosity.verbose());
        assertTrue(parsed(new BuildCommand(), "--verbose", "app").verbosity.verbose());
        assertTrue(parsed(new LogsCommand(), "-v", "web").verbosity.verbose());
        assertTrue(parsed(new LogsCommand(), "--verbose", "-f", "web").verbosity.verbose());
    }

    @Test
    void verbose_clusteredWithOtherShortOptions_isRecognised() {
        assertTrue(parsed(new RunCommand(), "-dv", "hello").verbosity.verbose());
        assertTrue(parsed(new LogsCommand(), "-fv", "web").verbosity.verbose());
    }

    @Test
    void verbose_absent_isOff() {
        assertFalse(parsed(new RunCommand(), "hello").verbosity.verbose());
        assertFalse(parsed(new BuildCommand()).verbosity.verbose());
        assertFalse(parsed(new LogsCommand(), "web").verbosity.verbose());
    }

    @Test
    void verbose_onACommandWithoutIt_isUnknown() {
        JcapTest.Result r = JcapTest.jcap("ps", "-v");

        assertEquals(2, r.code());
        assertEquals("Unknown option: '-v'", r.err().lines().findFirst().orElse(""));
    }

    @Test
    void accel_onRunAndBuild_isAnOptionalAccelerator_autoByDefault() {
        assertEquals(Optional.empty(), parsed(new RunCommand(), "hello").accel.accelerator());
        assertEquals(Optional.empty(), parsed(new RunCommand(), "--accel", "auto", "hello").accel.accelerator());
        assertEquals(Optional.of(Accelerator.TCG), parsed(new RunCommand(), "--accel", "tcg", "hello").accel.accelerator());
        assertEquals(Optional.empty(), parsed(new BuildCommand()).accel.accelerator());
        assertEquals(Optional.of(Accelerator.KVM), parsed(new BuildCommand(), "--accel=kvm").accel.accelerator());
    }

    @Test
    void json_onImagesAndPs_isOffUnlessGiven() {
        assertTrue(parsed(new ImagesCommand(), "--json").output.json());
        assertFalse(parsed(new ImagesCommand()).output.json());
        assertTrue(parsed(new PsCommand(), "--json").output.json());
        assertFalse(parsed(new PsCommand()).output.json());
    }
}
