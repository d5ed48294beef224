package io.jcap.hypervisor.qemu;

import static io.jcap.hypervisor.qemu.QemuTestSupport.SPIN_LINE;
import static io.jcap.hypervisor.qemu.QemuTestSupport.bootSectorSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.hypervisor.BootSector;
import io.jcap.hypervisor.GuestEndWatch;
import io.jcap.hypervisor.HostProcess;
import io.jcap.hypervisor.PortForward;
import io.jcap.hypervisor.VmException;
import io.jcap.hypervisor.VmSpec;
import io.jcap.model.EventSink;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DetachedQemuIT {
    private static final Duration START = Duration.ofSeconds(30);
    private static QemuInstallation qemu;

    @TempDir
    Path dir;
    private HostProcess started;

    @BeforeAll
    static void findQemu() throws Exception {
        qemu = QemuTestSupport.qemu();
    }

    @AfterEach
    void killLeftover() throws Exception {
        if (started != null && started.isRunning()) {
            started.signal(true);
            DetachedQemu.awaitEnd(started, Duration.ofSeconds(5));
        }
        // The console keeper outlives QEMU by a moment (it writes console.log.done as it ends):
        // JUnit deleting the folder meanwhile would find a file appear in it.
        Instant deadline = Instant.now().plusSeconds(10);
        while (Instant.now().isBefore(deadline) && ProcessHandle.allProcesses()
                .anyMatch(p -> p.info().arguments().map(a -> String.join(" ", a).contains(dir.toString())).orElse(false))) {
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
    }

    /** Polls the console file (QEMU writes it, not us) until it holds {@code text}, within the boot bound. */
    private static boolean consoleShows(Path log, String text) throws Exception {
        Instant deadline = Instant.now().plus(QemuTestSupport.BOOT);
        while (Instant.now().isBefore(deadline)) {
            if (Files.exists(log) && Files.readString(log).contains(text)) {
                return true;
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
        return false;
    }

    /** A guest that prints its line and halts, started detached with {@code files}, once its line is in the log. */
    private DetachedQemu.Started startSpinning(DetachedQemu.GuestFiles files) throws Exception {
        DetachedQemu.Started guest = DetachedQemu.start(qemu,
                bootSectorSpec(dir, BootSector.printThenHalt(SPIN_LINE)).build(), files, START);
        started = guest.process();
        assertTrue(consoleShows(files.consoleLog(), SPIN_LINE));
        return guest;
    }

    @Test
    void start_guestRunsOnWithConsoleInFile_thenStopQuitsIt() throws Exception {
        DetachedQemu.GuestFiles files = DetachedQemu.GuestFiles.in(dir);
        VmSpec spec = bootSectorSpec(dir, BootSector.printThenHalt(SPIN_LINE)).build();

        DetachedQemu.Started guest = DetachedQemu.start(qemu, spec, files, START);
        started = guest.process();

        assertTrue(guest.process().isRunning());
        assertTrue(consoleShows(files.consoleLog(), SPIN_LINE));
        assertTrue(DetachedQemu.hasProcesses(files), "its QEMU is found by its QMP socket");
        // The boot sector ignores the power button: a zero timeout goes straight to quit.
        assertEquals(DetachedQemu.Ending.QUIT, DetachedQemu.stop(guest.process(), files.qmpSocket(), Duration.ZERO,
                EventSink.NONE));
        assertFalse(guest.process().isRunning());
        assertFalse(DetachedQemu.hasProcesses(files), "no QEMU left");
        assertEquals(DetachedQemu.Ending.NOT_RUNNING, DetachedQemu.stop(guest.process(), files.qmpSocket(),
                Duration.ZERO, EventSink.NONE));
        assertEquals(java.util.Optional.of(QemuEnding.HOST), endingOnceKept(files), "QMP quit is the host's doing");
    }

    /**
     * A guest that ends at once (prints and exits QEMU) must not be gone before jcap knows its
     * process: QEMU deletes its pid file as it exits. The guest waits, paused, until then.
     */
    @Test
    void start_guestThatEndsAtOnce_isPausedUntilItsProcessIsKnown_thenRuns() throws Exception {
        DetachedQemu.GuestFiles files = DetachedQemu.GuestFiles.in(dir);
        VmSpec spec = bootSectorSpec(dir, BootSector.printThenExit("gone at once")).build();
        String[] status = {null};

        DetachedQemu.Started guest = DetachedQemu.start(qemu, spec, files, START, DetachedQemu.consoleLogLimit(),
                java.util.Optional.empty(), () -> {
                    try (QmpClient client = QmpClient.connect(files.qmpSocket(), START)) {
                        status[0] = client.queryStatus();
                    } catch (QmpException e) {
                        throw new AssertionError(e);
                    }
                });
        started = guest.process();

        assertEquals("prelaunch", status[0], "the guest's state while jcap reads its process");
        assertTrue(consoleShows(files.consoleLog(), "gone at once"));
        assertTrue(DetachedQemu.awaitEnd(guest.process(), Duration.ofSeconds(30)), "the guest ended by itself");
    }

    /** The ending the keeper recorded, once it is done (it records it before its done marker). */
    private static java.util.Optional<QemuEnding> endingOnceKept(DetachedQemu.GuestFiles files) throws Exception {
        assertTrue(DetachedQemu.awaitConsoleKeeper(files.consoleLog(), Duration.ofSeconds(30), false), "the keeper ended");
        assertTrue(Files.exists(ConsoleLogKeeper.doneMarker(files.consoleLog())), "the keeper ended normally");
        assertFalse(Files.exists(files.eventsSocket()), "the keeper removed its events socket");
        return QemuEnding.read(files);
    }

    /**
     * A guest that says its application ended and then never powers off (as a kernel that locked
     * up in its shutdown): the console keeper stops its QEMU once the grace has passed, and still
     * leaves the whole log and its done marker.
     */
    @Test
    void start_endLineButNoPowerOff_keeperStopsQemuAfterTheGrace() throws Exception {
        DetachedQemu.GuestFiles files = DetachedQemu.GuestFiles.in(dir);
        VmSpec spec = bootSectorSpec(dir, BootSector.printThenHalt("JCAP-EXIT 0")).build();
        GuestEndWatch watch = new GuestEndWatch(
                java.util.regex.Pattern.compile("(.*)JCAP-EXIT (\\d{1,3})$"), Duration.ofSeconds(2));

        DetachedQemu.Started guest = DetachedQemu.start(qemu, spec, files, START, ConsoleLogKeeper.DEFAULT_LIMIT,
                java.util.Optional.of(watch));
        started = guest.process();
        assertTrue(consoleShows(files.consoleLog(), "JCAP-EXIT 0"));

        assertTrue(DetachedQemu.awaitEnd(guest.process(), Duration.ofSeconds(30)), "the keeper stopped QEMU");
        assertTrue(consoleShows(files.qemuLog(), "did not power off; stopping QEMU"), "the keeper said why");
        assertTrue(consoleShows(ConsoleLogKeeper.doneMarker(files.consoleLog()), ""), "the keeper ended normally");
        assertTrue(Files.readString(files.consoleLog()).contains("JCAP-EXIT 0"));
    }

    /** Without the end line, the same guest runs on past the grace. */
    @Test
    void start_noEndLine_keeperLeavesTheGuestRunning() throws Exception {
        DetachedQemu.GuestFiles files = DetachedQemu.GuestFiles.in(dir);
        VmSpec spec = bootSectorSpec(dir, BootSector.printThenHalt(SPIN_LINE)).build();
        GuestEndWatch watch = new GuestEndWatch(
                java.util.regex.Pattern.compile("(.*)JCAP-EXIT (\\d{1,3})$"), Duration.ofMillis(200));

        DetachedQemu.Started guest = DetachedQemu.start(qemu, spec, files, START, ConsoleLogKeeper.DEFAULT_LIMIT,
                java.util.Optional.of(watch));
        started = guest.process();
        assertTrue(consoleShows(files.consoleLog(), SPIN_LINE));

        assertFalse(DetachedQemu.awaitEnd(guest.process(), Duration.ofSeconds(3)), "nothing stopped the guest");
        assertFalse(Files.readString(files.qemuLog()).contains("stopping QEMU"));
    }

    @Test
    void stop_qemuThatDoesNotAnswer_getsNoPowerButtonWaitAndNoQuit_butTheSignals() throws Exception {
        DetachedQemu.GuestFiles files = DetachedQemu.GuestFiles.in(dir);
        DetachedQemu.Started guest = startSpinning(files);
        new ProcessBuilder("kill", "-STOP", Long.toString(guest.process().pid())).start().waitFor();
        io.jcap.testsupport.RecordedEvents events = new io.jcap.testsupport.RecordedEvents();

        DetachedQemu.Ending ending = DetachedQemu.stop(guest.process(), files.qmpSocket(), Duration.ofMinutes(10), events);

        assertEquals(DetachedQemu.Ending.KILLED, ending);
        assertFalse(guest.process().isRunning());
        assertEquals(java.util.List.of("INFO QEMU did not answer on its control socket (stopped or hung?); stopping it with"
                + " signals"), events.lines().stream().filter(l -> l.startsWith("INFO")).toList());
    }

    @Test
    void start_killedWithSigkill_isNotRunning() throws Exception {
        DetachedQemu.GuestFiles files = DetachedQemu.GuestFiles.in(dir);
        DetachedQemu.Started guest = startSpinning(files);

        guest.process().signal(true);

        assertTrue(DetachedQemu.awaitEnd(guest.process(), Duration.ofSeconds(10)));
        assertFalse(guest.process().isRunning());
        assertEquals(java.util.Optional.of(QemuEnding.VANISHED), endingOnceKept(files));
        assertEquals(QemuEnding.NO_EVENT + "\n", Files.readString(files.ending()));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(files.ending())));
    }

    @Test
    void start_killedWithSigterm_endsAsTheHostsDoing() throws Exception {
        DetachedQemu.GuestFiles files = DetachedQemu.GuestFiles.in(dir);
        DetachedQemu.Started guest = startSpinning(files);

        guest.process().signal(false);

        assertTrue(DetachedQemu.awaitEnd(guest.process(), Duration.ofSeconds(10)));
        assertEquals(java.util.Optional.of(QemuEnding.HOST), endingOnceKept(files));
        assertEquals("host-signal\n", Files.readString(files.ending()));
    }

    /** A guest that resets (as a Linux kernel that panicked does) ends QEMU under -no-reboot: the guest's failure. */
    @Test
    void start_guestResets_endsAsTheGuestsFailure() throws Exception {
        DetachedQemu.GuestFiles files = DetachedQemu.GuestFiles.in(dir);
        DetachedQemu.Started guest = DetachedQemu.start(qemu,
                bootSectorSpec(dir, BootSector.printThenReset("RESETTING")).build(), files, START);
        started = guest.process();

        assertTrue(DetachedQemu.awaitEnd(guest.process(), QemuTestSupport.BOOT), "the reset ended QEMU");
        assertEquals(java.util.Optional.of(QemuEnding.GUEST_FAILURE), endingOnceKept(files));
        assertTrue(Files.readString(files.consoleLog()).contains("RESETTING"));
    }

    @Test
    void start_hostPortTaken_failsWithQemusReasonAndLeavesNothingRunning() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = taken.getLocalPort();
            VmSpec spec = bootSectorSpec(dir, BootSector.printThenHalt(SPIN_LINE))
                    .userNetwork(PortForward.tcp(port, 8080)).build();
            DetachedQemu.GuestFiles files = DetachedQemu.GuestFiles.in(dir);

            VmException e = assertThrows(VmException.class, () -> DetachedQemu.start(qemu, spec, files, START));

            String rule = "tcp:127.0.0.1:" + port + "-:8080";
            assertEquals("QEMU could not start the guest (exit code 1): qemu-system-x86_64: -netdev user,id=net0,"
                    + "hostfwd=" + rule + ": Could not set up host forwarding rule '" + rule + "'", e.summary());
            assertFalse(Files.exists(files.pidFile()));
        }
    }

    /** QEMU fails after it connected to the keeper: its own reason is told, with jcap's hint, and nothing stays. */
    @Test
    void start_moreMemoryThanTheMachineHas_failsWithQemusReasonAndWhatTheMachineHas() throws Exception {
        VmSpec spec = bootSectorSpec(dir, BootSector.printThenHalt(SPIN_LINE)).memoryMiB(1 << 20).build();
        DetachedQemu.GuestFiles files = DetachedQemu.GuestFiles.in(dir);

        VmException e = assertThrows(VmException.class, () -> DetachedQemu.start(qemu, spec, files, START));

        assertTrue(e.summary().startsWith("QEMU could not start the guest (exit code 1): qemu-system-x86_64: cannot set"
                + " up guest memory 'pc.ram': Cannot allocate memory (the guest asks for 1048576 MiB of memory; this"
                + " machine has "), e.summary());
        assertTrue(DetachedQemu.awaitConsoleKeeper(files.consoleLog(), Duration.ofSeconds(10), false), "no keeper left");
        assertFalse(DetachedQemu.hasProcesses(files), "no QEMU left");
    }

    @Test
    void start_socketPathTooLong_isRefusedBeforeQemuStarts() throws Exception {
        Path deep = Files.createDirectories(dir.resolve("x".repeat(100)));
        VmSpec spec = bootSectorSpec(dir, BootSector.printThenHalt(SPIN_LINE)).build();

        VmException e = assertThrows(VmException.class,
                () -> DetachedQemu.start(qemu, spec, DetachedQemu.GuestFiles.in(deep), START));

        assertEquals("the QMP socket path " + deep.resolve("qmp") + " is longer than 107 bytes: use a shorter jcap home"
                + " (JCAP_HOME) or instance name", e.summary());
    }

    @Test
    void start_consoleSocketPathTooLong_isRefusedBeforeAnythingStarts() throws Exception {
        // 99 bytes: qmp fits (103), console.sock does not (112).
        Path deep = Files.createDirectories(dir.resolve("y".repeat(99 - dir.toString().length() - 1)));
        VmSpec spec = bootSectorSpec(dir, BootSector.printThenHalt(SPIN_LINE)).build();

        VmException e = assertThrows(VmException.class,
                () -> DetachedQemu.start(qemu, spec, DetachedQemu.GuestFiles.in(deep), START));

        assertEquals("the console socket path " + deep.resolve("console.sock") + " is longer than 107 bytes: use a"
                + " shorter jcap home (JCAP_HOME) or instance name", e.summary());
        assertFalse(Files.exists(deep.resolve("console.log")));
    }

    @Test
    void start_aLinkPlantedAtEachSocketOrFile_isRefusedBeforeAnythingStarts_andItsTargetUntouched() throws Exception {
        VmSpec spec = bootSectorSpec(dir, BootSector.printThenHalt(SPIN_LINE)).build();
        for (String name : List.of("qmp", "console.sock", "events.sock", "qemu.ending", "console.log", "qemu.pid",
                "qemu.log")) {
            Path folder = Files.createDirectories(dir.resolve("planted-" + name.replace('.', '-')));
            Path victim = Files.writeString(dir.resolve("victim-" + name), "keep me\n");
            Path link = Files.createSymbolicLink(folder.resolve(name), victim);

            VmException e = assertThrows(VmException.class,
                    () -> DetachedQemu.start(qemu, spec, DetachedQemu.GuestFiles.in(folder), START));

            assertEquals("cannot start the guest: " + link + ": a symbolic link (to " + victim + ") is in its place;"
                    + " jcap does not follow links there: remove the link", e.summary());
            assertEquals("keep me\n", Files.readString(victim));
            assertTrue(Files.isSymbolicLink(link));
            try (var entries = Files.list(folder)) {
                assertEquals(List.of(link), entries.toList(), "nothing else was made: no keeper, no QEMU");
            }
        }
    }

    @Test
    void start_qmpSocketPidFileAndLogs_areOwnerOnly() throws Exception {
        DetachedQemu.GuestFiles files = DetachedQemu.GuestFiles.in(dir);
        VmSpec spec = bootSectorSpec(dir, BootSector.printThenHalt(SPIN_LINE)).build();

        DetachedQemu.Started guest = DetachedQemu.start(qemu, spec, files, START);
        try {
            for (Path p : List.of(files.qmpSocket(), files.pidFile(), files.qemuLog(), files.consoleLog())) {
                assertEquals("rw-------", PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS)), p.toString());
            }
        } finally {
            DetachedQemu.stop(guest.process(), files.qmpSocket(), Duration.ZERO, EventSink.NONE);
        }
        assertFalse(guest.process().isRunning());
    }
}
