package io.jcap.hypervisor.qemu;

import io.jcap.host.Cleanup;
import io.jcap.host.OwnerOnly;
import io.jcap.hypervisor.Durations;
import io.jcap.hypervisor.GuestEndWatch;
import io.jcap.hypervisor.HelperJvm;
import io.jcap.hypervisor.HostProcess;
import io.jcap.hypervisor.PortForward;
import io.jcap.hypervisor.Ports;
import io.jcap.hypervisor.VmException;
import io.jcap.hypervisor.VmSpec;
import io.jcap.model.ByteSize;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * QEMU guests that outlive the program that started them. QEMU daemonizes ({@code -daemonize}:
 * its own session, and no pipe to us): its first process exits once the machine is set up (disks
 * open, forwarded ports bound), with a non-zero status and the reason on stderr when that failed.
 * That first process is started in a session of its own too ({@code setsid}), so that a Ctrl-C
 * in the starting terminal reaches jcap alone, whose shutdown hook stops what it started
 * ({@link #abandon}) until the caller has recorded the guest. The serial console goes to a
 * {@link ConsoleLogKeeper}, a small process started before QEMU that writes {@code console.log}
 * and rotates it to {@code console.log.1} at {@link #consoleLogLimit()} bytes; QMP listens on a
 * unix socket; {@link #stop} ends the guest through it.
 *
 * <pre>{@code
 * DetachedQemu.GuestFiles files = DetachedQemu.GuestFiles.in(instanceDir);
 * DetachedQemu.Started guest = DetachedQemu.start(qemu, spec, files, Duration.ofSeconds(30));
 * ...
 * DetachedQemu.stop(guest.process(), files.qmpSocket(), Duration.ofSeconds(10), events);
 * }</pre>
 */
public final class DetachedQemu {
    /** {@code sun_path} holds 108 bytes with the terminating NUL. */
    static final int MAX_SOCKET_PATH = 107;
    private static final Duration STEP_WAIT = Duration.ofSeconds(5);
    /** Bounds {@link #abandon}'s kills: QEMU forks twice at most while it daemonizes. */
    private static final Duration ABANDON_WAIT = Duration.ofSeconds(5);

    private DetachedQemu() {
    }

    /** Where a detached guest keeps its files; all of them in one folder. */
    public record GuestFiles(Path qmpSocket, Path consoleLog, Path pidFile, Path qemuLog) {
        public GuestFiles {
            qmpSocket = qmpSocket.toAbsolutePath();
            consoleLog = consoleLog.toAbsolutePath();
            pidFile = pidFile.toAbsolutePath();
            qemuLog = qemuLog.toAbsolutePath();
        }

        /** The unix socket between QEMU's serial console and the {@link ConsoleLogKeeper}, beside the log. */
        public Path consoleSocket() {
            return consoleLog.resolveSibling("console.sock");
        }

        /** The unix socket of the QMP monitor QEMU connects to the {@link ConsoleLogKeeper}, beside the log. */
        public Path eventsSocket() {
            return consoleLog.resolveSibling("events.sock");
        }

        /** Where the {@link ConsoleLogKeeper} records how QEMU ended ({@link QemuEnding}), beside the log. */
        public Path ending() {
            return consoleLog.resolveSibling("qemu.ending");
        }

        /** {@code qmp}, {@code console.log}, {@code qemu.pid} and {@code qemu.log} in {@code dir}. */
        public static GuestFiles in(Path dir) {
            return new GuestFiles(dir.resolve("qmp"), dir.resolve("console.log"), dir.resolve("qemu.pid"),
                    dir.resolve("qemu.log"));
        }
    }

    /** A started guest: its QEMU process and the forwards in effect (host ports chosen). */
    public record Started(HostProcess process, List<PortForward> forwards) {
        public Started {
            forwards = List.copyOf(forwards);
        }
    }

    /** How {@link #stop} ended a guest. */
    public enum Ending {
        /** It was not running any more. */
        NOT_RUNNING,
        /** The guest powered off after the power button. */
        POWERED_OFF,
        /** QEMU quit when asked over QMP. */
        QUIT,
        /** QEMU was killed (SIGTERM, then SIGKILL). */
        KILLED
    }

    /**
     * Starts the guest and returns once QEMU has daemonized. Nothing keeps running on failure.
     *
     * @throws VmException with QEMU's own reason (its stderr is also in {@code files.qemuLog()});
     *     a forwarded port that another program holds reads "Could not set up host forwarding rule"
     */
    public static Started start(QemuInstallation qemu, VmSpec spec, GuestFiles files, Duration timeout)
            throws VmException {
        return start(qemu, spec, files, timeout, consoleLogLimit(), Optional.empty());
    }

    /**
     * {@link #start(QemuInstallation, VmSpec, GuestFiles, Duration)} with the console log rotating
     * at {@code logLimit} bytes, and with {@code endWatch} the guest stopped when it does not power
     * off in time once its console said its application ended (see {@link ConsoleLogKeeper}).
     */
    public static Started start(QemuInstallation qemu, VmSpec spec, GuestFiles files, Duration timeout, long logLimit,
            Optional<GuestEndWatch> endWatch) throws VmException {
        return start(qemu, spec, files, timeout, logLimit, endWatch, () -> { });
    }

    /**
     * The same, running {@code beforeResume} once QEMU daemonized and its process is known, while
     * the guest is still paused.
     */
    static Started start(QemuInstallation qemu, VmSpec spec, GuestFiles files, Duration timeout, long logLimit,
            Optional<GuestEndWatch> endWatch, Runnable beforeResume) throws VmException {
        checkSocketPath("QMP", files.qmpSocket());
        checkSocketPath("console", files.consoleSocket());
        checkSocketPath("QMP events", files.eventsSocket());
        prepareFiles(files);
        List<PortForward> forwards = choosePorts(spec.portForwards());
        List<String> command = new ArrayList<>();
        // --wait: should setsid have to fork, it still gives QEMU's exit status.
        HelperJvm.setsid().ifPresent(s -> command.addAll(List.of(s.toString(), "--wait")));
        command.addAll(QemuCommandLine.detached(qemu.qemuSystem(), spec, files.qmpSocket(), forwards,
                files.consoleSocket(), files.eventsSocket(), files.pidFile()));
        Process keeper = ConsoleKeeperProcess.start(files, logLimit, endWatch, timeout);
        boolean started = false;
        try {
            Files.deleteIfExists(files.qmpSocket());
            Files.deleteIfExists(files.pidFile());
            ProcessBuilder builder = new ProcessBuilder(command).directory(files.consoleLog().getParent().toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(files.qemuLog().toFile()))
                    .redirectErrorStream(true);
            // One step for jcap's shutdown hook, which finds QEMU by its command line (abandon).
            Process launcher = Cleanup.making(builder::start);
            if (!launcher.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                launcher.destroyForcibly();
                readPid(files).ifPresent(p -> p.signal(true));
                throw new VmException("QEMU did not finish starting the guest within " + Durations.human(timeout)
                        + "; it was stopped", OptionalInt.empty(), List.of());
            }
            int code = launcher.exitValue();
            if (code != 0) {
                String reason = lastLine(files);
                throw new VmException("QEMU could not start the guest (exit code " + code + "): " + reason
                        + StartFailureHint.of(reason, spec.memoryMiB()), OptionalInt.of(code), List.of());
            }
            HostProcess process = readPid(files).orElseThrow(() -> new VmException("QEMU daemonized but its guest "
                    + "is gone already; see " + files.qemuLog() + " and " + files.consoleLog(), OptionalInt.empty(),
                    List.of()));
            try {
                // QEMU makes its socket and pid file as its umask says; they are the owner's alone.
                OwnerOnly.restrict(files.qmpSocket());
                OwnerOnly.restrict(files.pidFile());
            } catch (IOException e) {
                process.signal(true);
                throw new VmException("cannot make QEMU's files owner-only: " + e.getMessage() + "; the guest was"
                        + " stopped", OptionalInt.empty(), List.of(), e);
            }
            beforeResume.run();
            resume(files.qmpSocket(), process, timeout);
            started = true;
            return new Started(process, forwards);
        } catch (IOException e) {
            throw new VmException("cannot start " + qemu.qemuSystem() + ": " + e.getMessage(), OptionalInt.empty(),
                    List.of(), e);
        } catch (InterruptedException e) {
            readPid(files).ifPresent(p -> p.signal(true));
            Thread.currentThread().interrupt();
            throw new VmException("interrupted while starting QEMU; it was stopped", OptionalInt.empty(), List.of(), e);
        } finally {
            if (!started) {
                // No QEMU will connect: the keeper would end by itself after a while, but need not wait.
                keeper.destroy();
            }
        }
    }

    /**
     * Whether a process still has {@code files}' guest: one whose command line holds its QMP socket
     * (QEMU), as {@link #abandon} finds them.
     */
    public static boolean hasProcesses(GuestFiles files) {
        return HelperJvm.anyWithArgument(QemuCommandLine.qmpChardev(files.qmpSocket()),
                QemuCommandLine.legacyQmpArgument(files.qmpSocket()));
    }

    /**
     * Stops at once what {@link #start} started for {@code files}, for jcap's shutdown hook when a
     * Ctrl-C comes before the guest is recorded: every process whose command line holds the guest's
     * QMP socket (QEMU's first process, the child it forks and the daemon, which share one command
     * line; looked for again until none is left, as one may fork while the others are killed),
     * then the console keeper. Its folder may be deleted after. Never throws.
     */
    public static void abandon(GuestFiles files) {
        String qmp = QemuCommandLine.qmpChardev(files.qmpSocket());
        long deadline = System.nanoTime() + ABANDON_WAIT.toNanos();
        try {
            List<ProcessHandle> left = HelperJvm.withArguments(qmp);
            while (!left.isEmpty() && System.nanoTime() - deadline < 0) {
                left.forEach(ProcessHandle::destroyForcibly);
                Thread.sleep(20);
                left = HelperJvm.withArguments(qmp);
            }
            // The keeper of a guest that never connected waits for it; it is killed, not waited for.
            awaitConsoleKeeper(files.consoleLog(), Duration.ZERO, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }


    /**
     * Refuses a symbolic link at any of the guest's paths (QEMU, the keeper and jcap would write
     * through it) and makes QEMU's log owner-only before QEMU appends to it.
     */
    private static void prepareFiles(GuestFiles files) throws VmException {
        try {
            for (Path path : List.of(files.qmpSocket(), files.consoleSocket(), files.eventsSocket(), files.ending(),
                    files.consoleLog(), files.pidFile())) {
                OwnerOnly.refuseLink(path);
            }
            OwnerOnly.createFile(files.qemuLog());
        } catch (IOException e) {
            throw new VmException("cannot start the guest: " + e.getMessage(), OptionalInt.empty(), List.of(), e);
        }
    }

    private static void checkSocketPath(String what, Path socket) throws VmException {
        if (socket.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
            throw new VmException("the " + what + " socket path " + socket + " is longer than " + MAX_SOCKET_PATH
                    + " bytes: use a shorter jcap home (JCAP_HOME) or instance name", OptionalInt.empty(), List.of());
        }
    }

    /**
     * The size at which a detached guest's {@code console.log} rotates: {@link ConsoleLogKeeper#DEFAULT_LIMIT}
     * (8 MiB), or {@code JCAP_CONSOLE_LOG_LIMIT} when set (a size: {@code 64K}, {@code 1M}; meant for tests).
     */
    public static long consoleLogLimit() throws VmException {
        String text = System.getenv("JCAP_CONSOLE_LOG_LIMIT");
        if (text == null || text.isEmpty()) {
            return ConsoleLogKeeper.DEFAULT_LIMIT;
        }
        try {
            return ByteSize.parse(text).bytes();
        } catch (IllegalArgumentException e) {
            throw new VmException("JCAP_CONSOLE_LOG_LIMIT: " + e.getMessage(), OptionalInt.empty(), List.of());
        }
    }

    /**
     * Ends a detached guest: the power button first (unless {@code timeout} is zero) and what is
     * left of {@code timeout} for the guest to power off, then QMP {@code quit}, then SIGTERM and
     * SIGKILL, each step only when the previous one did not end QEMU. A QEMU that does not answer
     * on its QMP socket (stopped, hung) got no power button and takes no {@code quit}: it goes
     * straight to the signals.
     */
    public static Ending stop(HostProcess process, Path qmpSocket, Duration timeout, EventSink events)
            throws InterruptedException {
        if (!process.isRunning()) {
            return Ending.NOT_RUNNING;
        }
        boolean answers = true;
        if (!timeout.isZero()) {
            long pressed = System.nanoTime();
            answers = qmp(qmpSocket, QmpClient::systemPowerdown, events);
            if (answers) {
                Duration left = timeout.minusNanos(System.nanoTime() - pressed);
                if (awaitEnd(process, left.isNegative() ? Duration.ZERO : left)) {
                    return Ending.POWERED_OFF;
                }
                events.info("The guest did not power off within " + Durations.human(timeout) + "; stopping QEMU");
            } else if (!process.isRunning()) {
                return Ending.POWERED_OFF;
            } else {
                events.info("QEMU did not answer on its control socket (stopped or hung?); stopping it with signals");
            }
        }
        if (answers) {
            answers = qmp(qmpSocket, QmpClient::quit, events);
            if (awaitEnd(process, answers ? STEP_WAIT : Duration.ZERO)) {
                return Ending.QUIT;
            }
        }
        process.signal(false);
        if (!awaitEnd(process, STEP_WAIT)) {
            process.signal(true);
            awaitEnd(process, STEP_WAIT);
        }
        return Ending.KILLED;
    }

    /**
     * Waits up to {@code within} for the console keeper of a guest whose QEMU ended: it writes the
     * console's last lines and {@code console.log.done}, then exits. With {@code kill} a keeper
     * still running then is killed (its instance is being removed). True when no keeper of
     * {@code consoleLog} runs any more; a keeper that already ended (or never started) is no wait.
     * Its folder must not be deleted before: the keeper would write into it on the way out.
     */
    public static boolean awaitConsoleKeeper(Path consoleLog, Duration within, boolean kill)
            throws InterruptedException {
        return HelperJvm.awaitEnd(ConsoleLogKeeper.class, consoleLog.toString(), within, kill);
    }

    /** Waits (polling /proc) until the process ended; false if it still runs at the deadline. */
    public static boolean awaitEnd(HostProcess process, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (process.isRunning()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    /**
     * Lets the guest run: QEMU starts it paused ({@code -S}), so that one that powers off at once
     * still has the process jcap records (QEMU deletes its pid file as it exits). On failure QEMU
     * is killed.
     */
    private static void resume(Path qmpSocket, HostProcess process, Duration timeout) throws VmException {
        try (QmpClient client = QmpClient.connect(qmpSocket, timeout)) {
            client.execute("cont");
        } catch (QmpException e) {
            process.signal(true);
            throw new VmException("QEMU did not let the guest run (QMP cont): " + e.getMessage() + "; it was stopped",
                    OptionalInt.empty(), List.of(), e);
        }
    }

    private interface QmpAction {
        void run(QmpClient client) throws QmpException;
    }

    /** Runs {@code action} on QEMU's QMP socket; false when QEMU did not answer (the next, harder step deals with it). */
    private static boolean qmp(Path socket, QmpAction action, EventSink events) {
        try (QmpClient client = QmpClient.connect(socket, STEP_WAIT)) {
            action.run(client);
            return true;
        } catch (QmpException e) {
            events.debug("QMP while stopping: " + e.getMessage());
            return false;
        }
    }

    private static List<PortForward> choosePorts(List<PortForward> wanted) throws VmException {
        List<PortForward> chosen = new ArrayList<>();
        for (PortForward f : wanted) {
            try {
                chosen.add(f.picksHostPort() ? f.withHostPort(Ports.freeLoopbackPort()) : f);
            } catch (JcapException e) {
                throw new VmException("cannot pick a host port for guest port " + f.guestPort() + ": " + e.getMessage(),
                        OptionalInt.empty(), List.of(), e);
            }
        }
        return chosen;
    }

    private static Optional<HostProcess> readPid(GuestFiles files) {
        try {
            String text = Files.readString(files.pidFile(), StandardCharsets.US_ASCII).strip();
            return HostProcess.of(Long.parseLong(text));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String lastLine(GuestFiles files) {
        try {
            // The console keeper's complaints share the log: QEMU's reason is its own last line.
            List<String> lines = Files.readAllLines(files.qemuLog(), StandardCharsets.UTF_8).stream()
                    .filter(l -> !l.isBlank() && !l.startsWith(ConsoleLogKeeper.COMPLAINT)).toList();
            return lines.isEmpty() ? "it printed nothing" : lines.get(lines.size() - 1);
        } catch (IOException e) {
            return "its output " + files.qemuLog() + " cannot be read: " + e.getMessage();
        }
    }
}
