package io.jcap.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class VerdictTest {
    private static final HostEnvironment DEVELOPER = new HostEnvironment(Map.of(), Path.of("/home/dev"));
    private static final HostEnvironment CI = new HostEnvironment(Map.of("CI", "true"), Path.of("/home/ci"));
    private static final String QEMU = "QEMU (apt-get install qemu-system-x86)";

    @Test
    void of_nothingMissing_runsOnBothMachines() {
        assertEquals(new Verdict(Verdict.Kind.RUN, List.of()), Verdict.of(List.of(), DEVELOPER));
        assertEquals(Verdict.Kind.RUN, Verdict.of(List.of(), CI).kind());
        Verdict.of(List.of(), CI).enforce();
        assertFalse(Verdict.of(List.of(), CI).toConditionResult().isDisabled());
    }

    @Test
    void of_missingOnADevelopersMachine_skipsSayingWhatAndHowToInstall() {
        Verdict verdict = Verdict.of(List.of(QEMU, "sshd"), DEVELOPER);
        assertEquals(Verdict.Kind.SKIP, verdict.kind());
        assertEquals("needs QEMU (apt-get install qemu-system-x86); sshd", verdict.message());
        TestAbortedException e = assertThrows(TestAbortedException.class, verdict::enforce);
        assertEquals("needs QEMU (apt-get install qemu-system-x86); sshd", e.getMessage());
        assertTrue(verdict.toConditionResult().isDisabled());
        assertEquals("needs QEMU (apt-get install qemu-system-x86); sshd", verdict.toConditionResult().getReason().orElseThrow());
    }

    @Test
    void of_missingUnderCi_failsInsteadOfSkipping() {
        Verdict verdict = Verdict.of(List.of(QEMU), CI);
        assertEquals(Verdict.Kind.FAIL, verdict.kind());
        AssertionFailedError e = assertThrows(AssertionFailedError.class, verdict::enforce);
        assertEquals("CI must provide QEMU (apt-get install qemu-system-x86)", e.getMessage());
        AssertionFailedError fromCondition = assertThrows(AssertionFailedError.class, verdict::toConditionResult);
        assertEquals("CI must provide QEMU (apt-get install qemu-system-x86)", fromCondition.getMessage());
    }

    @Test
    void of_ciSetToAnythingButTrue_skipsAsOnADevelopersMachine() {
        HostEnvironment other = new HostEnvironment(Map.of("CI", "1"), Path.of("/home/dev"));
        assertEquals(Verdict.Kind.SKIP, Verdict.of(List.of(QEMU), other).kind());
    }

    @Test
    void new_runWithSomethingMissing_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Verdict(Verdict.Kind.RUN, List.of(QEMU)));
        assertThrows(IllegalArgumentException.class, () -> new Verdict(Verdict.Kind.SKIP, List.of()));
    }
}
