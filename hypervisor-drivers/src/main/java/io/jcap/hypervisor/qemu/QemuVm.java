package io.jcap.hypervisor.qemu;

import io.jcap.host.OwnerOnly;
import io.jcap.host.SystemTemp;
import io.jcap.host.TempFiles;
import io.jcap.hypervisor.ConsoleLog;
import io.jcap.hypervisor.Durations;
import io.jcap.hypervisor.GuestLifecycle;
import io.jcap.hypervisor.PortForward;
import io.jcap.hypervisor.Ports;
import io.jcap.hypervisor.VmException;
import io.jcap.hypervisor.VmSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;

/**
 * A QEMU guest: one qemu-system-x86_64 process with its serial console on stdout, a QMP socket
 * in a private temporary folder, and nothing else to talk to. QEMU dies with the JVM, however the
 * JVM ends ({@link ExitWithParent}); the folder of a JVM that was killed is swept by the next
 * ({@link TempFiles}).
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
public final class QemuVm extends GuestLifecycle<QemuVm> {
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(30);

    private final QemuInstallation qemu;
    private Duration startTimeout = DEFAULT_START_TIMEOUT;

    private volatile Path workDir;
    private volatile QemuProcess process;
    private volatile QmpClient qmp;

    public QemuVm(QemuInstallation qemu, VmSpec spec) {
        super(spec, new Names("QEMU", "exit", "stopped", "stopping"));
        this.qemu = qemu;
    }

    /** How long {@link #start()} waits for QEMU to answer on QMP. */
    public QemuVm withStartTimeout(Duration timeout) {
        requireNotStarted();
        this.startTimeout = timeout;
        return this;
    }

    /** Launches QEMU and returns once it answers on QMP. */
    @Override
    protected void launch() throws VmException {
        try {
            workDir = TempFiles.create(SystemTemp.folder(), "jcap-qemu-");
        } catch (IOException e) {
            throw new VmException("cannot create a temporary folder for QEMU: " + e.getMessage(), OptionalInt.empty(),
                    List.of(), e);
        }
        registerForShutdown();
        forwards(startWithPortRetries(spec().portForwards(), portSupplier(Ports::freeLoopbackPort), chosen -> {
            launch(chosen);
            qmp = connectQmp();
        }));
    }

    @Override
    public boolean isAlive() {
        QemuProcess p = process;
        return p != null && p.isAlive();
    }

    /** The last lines QEMU itself wrote on stderr (warnings, errors). */
    public List<String> stderrTail() {
        QemuProcess p = process;
        return p == null ? List.of() : p.stderrTail();
    }

    /** The QMP connection, open while the VM runs; null when the guest ended before QMP was reached. */
    public QmpClient qmp() {
        requireProcess();
        return qmp;
    }

    /** The QEMU process id. */
    public long pid() {
        return requireProcess().pid();
    }

    Path workDirectory() {
        return workDir;
    }

    @Override
    protected void killForShutdown() {
        forceStop();
        deleteWorkDir();
    }

    @Override
    protected boolean hostPortTaken(VmException failure) {
        return !isAlive() && stderrTail().stream().anyMatch(line -> line.contains(HOSTFWD_FAILURE));
    }

    @Override
    protected ConsoleLog console() {
        QemuProcess p = process;
        return p == null ? null : p.console();
    }

    @Override
    protected boolean running() {
        return isAlive();
    }

    @Override
    protected boolean waitEnded(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout);
    }

    @Override
    protected int endStatus() {
        return process.exitCode().orElseThrow();
    }

    @Override
    protected VmException lineMissing(String description, Duration timeout, ConsoleLog log) {
        QemuProcess p = process;
        if (log.ended()) {
            OptionalInt code = p.exitCode();
            return new VmException("QEMU exited" + code.stream().mapToObj(c -> " with code " + c).findFirst().orElse("")
                    + " before the console showed " + description + p.stderrHint(code, spec().memoryMiB()), code, log.tail());
        }
        p.kill();
        return new VmException("the console did not show " + description + " within " + Durations.human(timeout)
                + "; QEMU was stopped", OptionalInt.empty(), log.tail());
    }

    @Override
    protected boolean pressPowerButton() {
        if (qmp == null) {
            return false;
        }
        sendQuietly(QmpClient::systemPowerdown);
        return true;
    }

    /** QMP quit, then signals. */
    @Override
    protected void stopHarder() throws InterruptedException {
        if (qmp != null) {
            sendQuietly(QmpClient::quit);
            if (process.waitFor(QemuProcess.KILL_WAIT)) {
                return;
            }
        }
        process.kill();
    }

    @Override
    protected void forceStop() {
        QemuProcess p = process;
        if (p != null) {
            p.kill();
        }
    }

    @Override
    protected void release() {
        if (qmp != null) {
            qmp.close();
        }
        QemuProcess p = process;
        if (p != null) {
            p.joinReaders();
        }
        deleteWorkDir();
    }

    @Override
    public java.util.Optional<java.io.OutputStream> consoleInput() {
        QemuProcess p = process;
        return wantsConsoleInput() && p != null ? java.util.Optional.of(p.input()) : java.util.Optional.empty();
    }

    @Override
    protected QemuVm self() {
        return this;
    }

    private interface QmpAction {
        void run(QmpClient client) throws QmpException;
    }

    private void sendQuietly(QmpAction action) {
        try {
            action.run(qmp);
        } catch (QmpException e) {
            // QEMU is on its way out or stuck; the next, harder step of stopping deals with either.
            events().debug("QMP during stop: " + e.getMessage());
        }
    }

    private void launch(List<PortForward> chosen) throws VmException {
        Path socket = workDir.resolve("qmp.sock");
        List<String> command = QemuCommandLine.of(qemu.qemuSystem(), spec(), socket, chosen);
        // The exact command, shell-quoted, for people and for bench/stream.sh (its floor guest boots with it).
        events().debug("QEMU command: " + QemuCommandLine.shellLine(command));
        try {
            Files.deleteIfExists(socket);
            process = QemuProcess.launch(command, workDir, consoleLines(), consoleListener(), wantsConsoleInput());
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
                            + p.stderrHint(code, spec().memoryMiB()), code, p.console().tail());
                }
                Duration left = Duration.between(Instant.now(), deadline);
                if (left.isNegative() || left.isZero()) {
                    p.kill();
                    throw new VmException("QEMU did not answer on QMP within " + Durations.human(startTimeout) + " ("
                            + lastProblem + "); it was stopped", OptionalInt.empty(), p.console().tail());
                }
                if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
                    try {
                        // In a folder only jcap's user can enter, and owner-only itself as QEMU's umask may not make it.
                        OwnerOnly.restrict(socket);
                        return QmpClient.connect(socket, left);
                    } catch (QmpException e) {
                        lastProblem = e.getMessage();
                    } catch (IOException e) {
                        p.kill();
                        throw new VmException("cannot use QEMU's QMP socket: " + e.getMessage() + "; QEMU was stopped",
                                OptionalInt.empty(), p.console().tail(), e);
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

    private void deleteWorkDir() {
        TempFiles.delete(workDir);
    }

    private QemuProcess requireProcess() {
        QemuProcess p = process;
        if (p == null) {
            throw new IllegalStateException("the VM has not been started");
        }
        return p;
    }
}
