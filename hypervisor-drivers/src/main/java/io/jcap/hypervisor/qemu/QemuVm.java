package io.jcap.hypervisor.qemu;

import io.jcap.hypervisor.ConsoleLog;
import io.jcap.hypervisor.Drive;
import io.jcap.hypervisor.Durations;
import io.jcap.hypervisor.PortForward;
import io.jcap.hypervisor.Ports;
import io.jcap.hypervisor.VirtualMachine;
import io.jcap.hypervisor.VmException;
import io.jcap.hypervisor.VmSpec;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A QEMU guest: one qemu-system-x86_64 process with its serial console on stdout, a QMP socket
 * in a private temporary folder, and nothing else to talk to.
 *
 * <pre>{@code
 * VmSpec spec = VmSpec.builder().drive(Drive.virtio(disk, DiskFormat.RAW).withBootIndex(0))
 *         .userNetwork(PortForward.tcp(0, 10000)).build();
 * try (QemuVm vm = new QemuVm(qemu, spec).withConsoleListener(System.out::println)) {
 *     vm.start();
 *     vm.awaitLine(Pattern.compile("^JCAP-READY"), Duration.ofSeconds(60));
 *     int port = vm.hostPort(10000);
 *     ...
 * }
 * }</pre>
 *
 * <p>A forward with host port 0 gets a free loopback port; if another process takes it before
 * QEMU binds it, {@link #start()} retries with a new one. A wait that runs out kills QEMU.
 * {@link #close()} presses the power button (QMP {@code system_powerdown}), then asks QEMU to
 * quit, then sends SIGTERM and SIGKILL, each with a bound; a JVM shutdown hook kills what is
 * still running when the JVM exits.
 */
public final class QemuVm implements VirtualMachine {
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_CONSOLE_LINES = 200;
    static final String HOSTFWD_FAILURE = "Could not set up host forwarding rule";
    static final int START_ATTEMPTS = 5;

    private final QemuInstallation qemu;
    private final VmSpec spec;
    private Ports.PortSupplier portSupplier = Ports::freeLoopbackPort;
    private Consumer<String> consoleListener = line -> { };
    private EventSink events = EventSink.NONE;
    private Duration startTimeout = DEFAULT_START_TIMEOUT;
    private Duration stopTimeout = DEFAULT_STOP_TIMEOUT;
    private int consoleLines = DEFAULT_CONSOLE_LINES;

    private boolean started;
    private boolean closed;
    private volatile Path workDir;
    private volatile QemuProcess process;
    private volatile QmpClient qmp;
    private volatile List<PortForward> forwards = List.of();

    public QemuVm(QemuInstallation qemu, VmSpec spec) {
        this.qemu = qemu;
        this.spec = spec;
    }

    /** Receives every console line, on the console reader thread. */
    public QemuVm withConsoleListener(Consumer<String> listener) {
        requireNotStarted();
        this.consoleListener = listener;
        return this;
    }

    /** Where forwards with host port 0 get their port; {@link Ports#freeLoopbackPort()} by default. */
    public QemuVm withPortSupplier(Ports.PortSupplier supplier) {
        requireNotStarted();
        this.portSupplier = supplier;
        return this;
    }

    /** Where the VM reports how it stops (a guest that ignores the power button, say). */
    public QemuVm withEvents(EventSink sink) {
        requireNotStarted();
        this.events = sink;
        return this;
    }

    /** How long {@link #start()} waits for QEMU to answer on QMP. */
    public QemuVm withStartTimeout(Duration timeout) {
        requireNotStarted();
        this.startTimeout = timeout;
        return this;
    }

    /** How long {@link #close()} gives the guest after the power button; zero skips it. */
    public QemuVm withStopTimeout(Duration timeout) {
        requireNotStarted();
        this.stopTimeout = timeout;
        return this;
    }

    /** How many console lines are kept for waits and error messages. */
    public QemuVm withConsoleLines(int lines) {
        requireNotStarted();
        this.consoleLines = lines;
        return this;
    }

    /** Launches QEMU and returns once it answers on QMP; on failure nothing is left running. */
    @Override
    public synchronized void start() throws VmException {
        requireNotStarted();
        started = true;
        try {
            workDir = Files.createTempDirectory("jcap-qemu-");
        } catch (IOException e) {
            throw new VmException("cannot create a temporary folder for QEMU: " + e.getMessage(), OptionalInt.empty(),
                    List.of(), e);
        }
        LiveVms.register(this);
        boolean picksPorts = spec.portForwards().stream().anyMatch(PortForward::picksHostPort);
        try {
            for (int attempt = 1; ; attempt++) {
                List<PortForward> chosen = choosePorts();
                try {
                    launch(chosen);
                    qmp = connectQmp();
                    forwards = chosen;
                    return;
                } catch (VmException e) {
                    if (!(picksPorts && attempt < START_ATTEMPTS && hostPortTaken())) {
                        throw e;
                    }
                    events.debug("A forwarded host port was taken; starting QEMU again with another (attempt "
                            + (attempt + 1) + " of " + START_ATTEMPTS + ")");
                }
            }
        } catch (VmException e) {
            close();
            throw e;
        }
    }

    @Override
    public boolean isAlive() {
        QemuProcess p = process;
        return p != null && p.isAlive();
    }

    @Override
    public String awaitLine(String description, Predicate<String> matcher, Duration timeout) throws VmException {
        QemuProcess p = requireStarted();
        ConsoleLog log = p.console();
        Optional<String> found = log.awaitNext(description, matcher, timeout);
        if (found.isPresent()) {
            return found.get();
        }
        if (log.ended()) {
            OptionalInt code = p.exitCode();
            throw new VmException("QEMU exited" + code.stream().mapToObj(c -> " with code " + c).findFirst().orElse("")
                    + " before the console showed " + description + p.stderrHint(code), code, log.tail());
        }
        p.kill();
        throw new VmException("the console did not show " + description + " within " + Durations.human(timeout)
                + "; QEMU was stopped", OptionalInt.empty(), log.tail());
    }

    @Override
    public int awaitExit(Duration timeout) throws VmException {
        QemuProcess p = requireStarted();
        try {
            if (p.waitFor(timeout)) {
                return p.exitCode().orElseThrow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VmException("interrupted while waiting for QEMU to exit", OptionalInt.empty(),
                    p.console().tail(), e);
        }
        p.kill();
        throw new VmException("QEMU did not exit within " + Durations.human(timeout) + "; it was stopped",
                OptionalInt.empty(), p.console().tail());
    }

    @Override
    public List<String> consoleTail() {
        QemuProcess p = process;
        return p == null ? List.of() : p.console().tail();
    }

    /** The last lines QEMU itself wrote on stderr (warnings, errors). */
    public List<String> stderrTail() {
        QemuProcess p = process;
        return p == null ? List.of() : p.stderrTail();
    }

    /** The forwards in effect, with the host ports chosen at start. */
    public List<PortForward> forwards() {
        return forwards;
    }

    /** The host port forwarded to TCP {@code guestPort}. */
    public int hostPort(int guestPort) {
        return forwards.stream().filter(f -> f.guestPort() == guestPort && f.protocol() == PortForward.Protocol.TCP)
                .findFirst().orElseThrow(() -> new IllegalArgumentException("no TCP forward to guest port " + guestPort))
                .hostPort();
    }

    /** The QMP connection, open while the VM runs; null when the guest ended before QMP was reached. */
    public QmpClient qmp() {
        requireStarted();
        return qmp;
    }

    /** The QEMU process id. */
    public long pid() {
        return requireStarted().pid();
    }

    Path workDirectory() {
        return workDir;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        QemuProcess p = process;
        try {
            if (p != null && p.isAlive()) {
                stop(p);
            }
        } finally {
            if (qmp != null) {
                qmp.close();
            }
            if (p != null) {
                p.joinReaders();
            }
            deleteWorkDir();
            LiveVms.unregister(this);
        }
    }

    /** Called by the shutdown hook: no politeness, just make sure nothing stays behind. */
    void killForShutdown() {
        QemuProcess p = process;
        if (p != null) {
            p.kill();
        }
        deleteWorkDir();
    }

    /** Power button, then QMP quit, then signals; each step only if the previous one did not end QEMU. */
    private void stop(QemuProcess p) {
        try {
            if (qmp != null && !stopTimeout.isZero()) {
                sendQuietly(QmpClient::systemPowerdown);
                if (p.waitFor(stopTimeout)) {
                    return;
                }
                events.debug("The guest did not power off within " + Durations.human(stopTimeout) + "; stopping QEMU");
            }
            if (qmp != null) {
                sendQuietly(QmpClient::quit);
                if (p.waitFor(QemuProcess.KILL_WAIT)) {
                    return;
                }
            }
            p.kill();
        } catch (InterruptedException e) {
            p.kill();
            Thread.currentThread().interrupt();
        }
    }

    private interface QmpAction {
        void run(QmpClient client) throws QmpException;
    }

    private void sendQuietly(QmpAction action) {
        try {
            action.run(qmp);
        } catch (QmpException e) {
            // QEMU is on its way out or stuck; the next, harder step of stopping deals with either.
            events.debug("QMP during stop: " + e.getMessage());
        }
    }

    private List<PortForward> choosePorts() throws VmException {
        List<PortForward> chosen = new ArrayList<>();
        for (PortForward f : spec.portForwards()) {
            try {
                chosen.add(f.picksHostPort() ? f.withHostPort(portSupplier.nextPort()) : f);
            } catch (JcapException e) {
                throw new VmException("cannot pick a host port for guest port " + f.guestPort() + ": " + e.getMessage(),
                        OptionalInt.empty(), List.of(), e);
            }
        }
        return List.copyOf(chosen);
    }

    private void launch(List<PortForward> chosen) throws VmException {
        Path socket = workDir.resolve("qmp.sock");
        List<String> command = QemuCommandLine.of(qemu.qemuSystem(), spec, socket, chosen);
        try {
            Files.deleteIfExists(socket);
            process = QemuProcess.launch(command, workDir, consoleLines, consoleListener);
        } catch (IOException e) {
            throw new VmException("cannot start " + qemu.qemuSystem() + ": " + e.getMessage(), OptionalInt.empty(),
                    List.of(), e);
        }
    }

    /** Connects once QEMU made its socket; QEMU greets only after its own setup (disks, network) worked. */
    private QmpClient connectQmp() throws VmException {
        QemuProcess p = process;
        Path socket = workDir.resolve("qmp.sock");
        Instant deadline = Instant.now().plus(startTimeout);
        String lastProblem = "the socket was not created";
        try {
            while (true) {
                if (!p.isAlive()) {
                    OptionalInt code = p.exitCode();
                    Instant drained = Instant.now().plusSeconds(2);
                    while (!p.console().ended() && Instant.now().isBefore(drained)) {
                        Thread.sleep(10);
                    }
                    if (p.console().lineCount() > 0) {
                        // The guest ran and ended before QMP was reached (a tiny guest under a fast
                        // accelerator): not a failed start; awaitExit reports how it ended.
                        return null;
                    }
                    throw new VmException("QEMU exited with code " + code.orElse(-1) + " while starting"
                            + p.stderrHint(code), code, p.console().tail());
                }
                Duration left = Duration.between(Instant.now(), deadline);
                if (left.isNegative() || left.isZero()) {
                    p.kill();
                    throw new VmException("QEMU did not answer on QMP within " + Durations.human(startTimeout) + " ("
                            + lastProblem + "); it was stopped", OptionalInt.empty(), p.console().tail());
                }
                if (Files.exists(socket)) {
                    try {
                        return QmpClient.connect(socket, left);
                    } catch (QmpException e) {
                        lastProblem = e.getMessage();
                    }
                }
                p.waitFor(Duration.ofMillis(20));
            }
        } catch (InterruptedException e) {
            p.kill();
            Thread.currentThread().interrupt();
            throw new VmException("interrupted while starting QEMU", OptionalInt.empty(), p.console().tail(), e);
        }
    }

    private boolean hostPortTaken() {
        return !isAlive() && stderrTail().stream().anyMatch(line -> line.contains(HOSTFWD_FAILURE));
    }

    private void deleteWorkDir() {
        Path dir = workDir;
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            events.warn("cannot remove QEMU's temporary folder " + dir + ": " + e.getMessage());
        }
    }

    private QemuProcess requireStarted() {
        QemuProcess p = process;
        if (p == null) {
            throw new IllegalStateException("the VM has not been started");
        }
        return p;
    }

    private void requireNotStarted() {
        if (started) {
            throw new IllegalStateException("the VM was already started");
        }
    }
}
