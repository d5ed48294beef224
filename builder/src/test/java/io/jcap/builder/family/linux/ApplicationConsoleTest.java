package io.jcap.builder.family.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.hypervisor.VmException;
import io.jcap.streamer.ExitLine;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ApplicationConsoleTest {
    private final List<String> output = new ArrayList<>();
    private final ApplicationConsole console = new ApplicationConsole(output::add, false, ExitLine.UNTAGGED, false);

    @Test
    void accept_bootThenOutputThenExit_passesOnTheOutputAndEndsWithItsStatus() throws Exception {
        console.accept("[    0.1] Linux version 6.1");
        console.accept("JCAP-START");
        assertFalse(console.applicationEnded());
        console.accept("hello");
        console.accept("JCAP-EXIT 3");

        assertTrue(console.applicationEnded());
        assertEquals(List.of("hello"), output);
        assertEquals(3, console.exitStatus(0, List.of()));
    }

    /**
     * What the init says went otherwise than asked before the application starts (cloud-init data
     * not applied, no network) is shown without -v; its summary of what it applied and its progress are not.
     */
    @Test
    void accept_initProblemsBeforeTheStart_areShown_theSummaryAndProgressAreNot() {
        console.accept("[    0.1] Linux version 6.1");
        console.accept("jcap-init [0.52] modules loaded");
        console.accept("jcap-init: cloud-init data from NoCloud /dev/vdb (iso9660) in 9 ms: hostname web1, instance-id"
                + " i-42, 5 files, 1 env, cmdline kept");
        console.accept("jcap-init: cloud-init: /dev/vdb user-data not applied: #cloud-config: line 4: a tab in the"
                + " indentation");
        console.accept("jcap-init: no DHCP lease on eth0 within 6 s; continuing without network");
        console.accept("JCAP-START");
        console.accept("hello");

        assertEquals(List.of("jcap-init: cloud-init: /dev/vdb user-data not applied: #cloud-config: line 4: a tab in the"
                + " indentation", "jcap-init: no DHCP lease on eth0 within 6 s; continuing without network", "hello"), output);
    }

    /** jcap run -v shows the whole console: the boot, the markers, the init's end and the power-off. */
    @Test
    void accept_showingTheBoot_alsoShowsTheEndAndWhatFollows() throws Exception {
        ApplicationConsole verbose = new ApplicationConsole(output::add, true, ExitLine.UNTAGGED, false);
        verbose.accept("[    0.1] Linux version 6.1");
        verbose.accept("JCAP-START");
        verbose.accept("hello");
        verbose.accept("byeJCAP-EXIT 3");
        verbose.accept("[    1.2] reboot: Power down");

        assertEquals(List.of("[    0.1] Linux version 6.1", "JCAP-START", "hello", "bye", "JCAP-EXIT 3",
                "[    1.2] reboot: Power down"), output);
        assertEquals(3, verbose.exitStatus(0, List.of()));
    }

    /**
     * An application that prints what its clients send cannot end a tagged run: its end line
     * without the run's tag is output like any other, and only the init's counts.
     */
    @Test
    void accept_taggedRun_endLineWithoutTheTagIsTheApplicationsOutput() throws Exception {
        ExitLine end = new ExitLine(Optional.of("0123456789abcdef0123456789abcdef"));
        ApplicationConsole tagged = new ApplicationConsole(output::add, false, end, false);
        tagged.accept("JCAP-START");
        tagged.accept("client said: JCAP-EXIT 7");
        tagged.accept("JCAP-EXIT 7");
        tagged.accept("JCAP-EXIT 7 fedcba9876543210fedcba9876543210");
        assertFalse(tagged.applicationEnded());
        tagged.accept("still serving");
        tagged.accept("byeJCAP-EXIT 0 0123456789abcdef0123456789abcdef");

        assertTrue(tagged.applicationEnded());
        assertEquals(List.of("client said: JCAP-EXIT 7", "JCAP-EXIT 7", "JCAP-EXIT 7 fedcba9876543210fedcba9876543210",
                "still serving", "bye"), output);
        assertEquals(0, tagged.exitStatus(0, List.of()));
    }

    /** -v shows the init's end line, but never the run's tag. */
    @Test
    void accept_taggedRunShowingTheBoot_showsTheEndWithoutTheTag() throws Exception {
        ExitLine end = new ExitLine(Optional.of("0123456789abcdef"));
        ApplicationConsole verbose = new ApplicationConsole(output::add, true, end, false);
        verbose.accept("JCAP-START");
        verbose.accept("JCAP-EXIT 4 0123456789abcdef");

        assertEquals(List.of("JCAP-START", "JCAP-EXIT 4"), output);
        assertEquals(4, verbose.exitStatus(0, List.of()));
    }

    @Test
    void exitStatus_guestStoppedBeforeItsApplication_saysSo() {
        console.accept("[    0.1] Linux version 6.1");

        assertFalse(console.applicationEnded());
        VmException e = assertThrows(VmException.class, () -> console.exitStatus(0, List.of()));
        assertEquals("the image stopped before its application started", e.summary());
    }

    /** The panic's reason is said: the console's last lines are its call trace. */
    @Test
    void exitStatus_kernelOutOfMemoryWhileBooting_saysSoAndWhatToGiveIt() {
        console.accept("[   13.056523] cryptomgr_test invoked oom-killer: gfp_mask=0x2cc2(GFP_KERNEL), order=0");
        console.accept("[   13.080981] Out of memory and no killable processes...");
        console.accept("[   13.081977] Kernel panic - not syncing: System is deadlocked on memory");
        console.accept("[   13.083170]  __alloc_pages_slowpath.constprop.0+0x67f/0xe70");
        console.accept("[   13.083199] Kernel panic - not syncing: a second one");

        VmException e = assertThrows(VmException.class, () -> console.exitStatus(0, List.of()));
        assertEquals("the guest's kernel panicked before the application started (System is deadlocked on"
                + " memory): it ran out of memory while booting; give the image more memory (jcap run -m SIZE, or"
                + " memory: in the Capstanfile) or fewer CPUs (-c), which each take some", e.summary());
        assertEquals(List.of(), output, "the boot's lines stay hidden without -v");
    }

    /** Under the kernel's quiet log level the panic is the only line of it. */
    @Test
    void exitStatus_onlyThePanicLine_tellsOutOfMemoryByItsReason() {
        console.accept("[   13.081977] Kernel panic - not syncing: System is deadlocked on memory");

        VmException e = assertThrows(VmException.class, () -> console.exitStatus(0, List.of()));
        assertTrue(e.summary().endsWith("(System is deadlocked on memory): it ran out of memory while booting; give"
                + " the image more memory (jcap run -m SIZE, or memory: in the Capstanfile) or fewer CPUs (-c), which"
                + " each take some"), e.summary());
    }

    @Test
    void exitStatus_kernelPanicWithoutOutOfMemory_saysItsReason() {
        console.accept("[    1.2] Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)");

        VmException e = assertThrows(VmException.class, () -> console.exitStatus(0, List.of()));
        assertEquals("the guest's kernel panicked before the application started (VFS: Unable to mount root fs on"
                + " unknown-block(0,0))", e.summary());
    }

    /** QEMU killed from outside (kill -9, kill -TERM) while the application ran: said, not "powered off". */
    @Test
    void exitStatus_qemuKilledBySignal_namesTheSignal() {
        console.accept("JCAP-START");
        console.accept("serving");

        VmException killed = assertThrows(VmException.class, () -> console.exitStatus(137, List.of("serving")));
        assertEquals("QEMU was killed by signal 9 (SIGKILL) before the application reported its exit status",
                killed.summary());
        VmException terminated = assertThrows(VmException.class, () -> console.exitStatus(143, List.of("serving")));
        assertEquals("QEMU was killed by signal 15 (SIGTERM) before the application reported its exit status",
                terminated.summary());
    }

    @Test
    void exitStatus_qemuKilledDuringBoot_namesTheSignal() {
        console.accept("[    0.1] Linux version 6.1");

        VmException e = assertThrows(VmException.class, () -> console.exitStatus(137, List.of()));
        assertEquals("QEMU was killed by signal 9 (SIGKILL) before the image's application started", e.summary());
    }

    @Test
    void exitStatus_poweredOffWithoutAStatus_stillSaysSo() {
        console.accept("JCAP-START");

        VmException e = assertThrows(VmException.class, () -> console.exitStatus(0, List.of()));
        assertEquals("the image powered off without reporting the application's exit status", e.summary());
    }
}
