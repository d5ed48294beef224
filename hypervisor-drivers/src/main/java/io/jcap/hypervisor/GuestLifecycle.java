package io.jcap.hypervisor;

import io.jcap.host.Cleanup;
import io.jcap.model.EventSink;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The life of a guest, whatever runs it: the options set before start, a start that retries
 * when a picked host port was taken, waits for a console line or the end with a bound, and a
 * close that runs once and stops the guest gently first (power button, then harder). A driver's
 * VM ({@code QemuVm}, {@code LibvirtVm}) extends it and supplies the hypervisor's steps.
 *
 * <pre>{@code
 * final class ToyVm extends GuestLifecycle<ToyVm> {
 *     ToyVm(VmSpec spec) { super(spec, new Names("toy", "exit", "stopped", "stopping")); }
 *     protected void launch() throws VmException {
 *         forwards(startWithPortRetries(spec().portForwards(), Ports::freeLoopbackPort, this::boot));
 *     }
 *     ...
 * }
 * }</pre>
 *
 * @param <S> the VM's own type, so that the option setters return it
 */
public abstract class GuestLifecycle<S extends GuestLifecycle<S>> implements VirtualMachine {
    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_CONSOLE_LINES = 200;
    /** What QEMU says (on stderr, or through libvirt) when it cannot bind a forward's host port. */
    public static final String HOSTFWD_FAILURE = "Could not set up host forwarding rule";
    /** How often a start is tried when a picked host port turns out to be taken. */
    public static final int START_ATTEMPTS = 5;
    /** How often {@link #awaitExitOnceFinished} asks whether the guest finished. */
    private static final Duration FINISHED_POLL = Duration.ofMillis(200);

    /**
     * How messages name the guest: {@code guest} "QEMU" {@code ends} "exit", it was
     * {@code stopped} "stopped" after {@code stopping} "stopping" it.
     */
    public record Names(String guest, String ends, String stopped, String stopping) {
    }

    /** One try at starting the hypervisor with these host ports. */
    @FunctionalInterface
    protected interface Attempt {
        void start(List<PortForward> chosen) throws VmException;
    }

    private final VmSpec spec;
    private final Names names;
    private Ports.PortSupplier portSupplier;
    private Consumer<String> consoleListener = line -> { };
    private EventSink events = EventSink.NONE;
    private Duration stopTimeout = DEFAULT_STOP_TIMEOUT;
    private int consoleLines = DEFAULT_CONSOLE_LINES;
    private boolean consoleInput;
    private boolean started;
    private boolean closed;
    private volatile List<PortForward> forwards = List.of();
    private Cleanup.Registration shutdownRegistration;

    protected GuestLifecycle(VmSpec spec, Names names) {
        this.spec = spec;
        this.names = names;
    }

    /** Receives every console line, on the console reader thread. */
    public S withConsoleListener(Consumer<String> listener) {
        requireNotStarted();
        this.consoleListener = listener;
        return self();
    }

    /**
     * Gives the guest's serial console an input that {@link #consoleInput()} writes to (a driver
     * that passes none says so in {@code consoleInput}); without it nothing ever types into the
     * console.
     */
    public S withConsoleInput() {
        requireNotStarted();
        this.consoleInput = true;
        return self();
    }

    /** Where the VM reports how it starts and stops (a guest that ignores the power button, say). */
    public S withEvents(EventSink sink) {
        requireNotStarted();
        this.events = sink;
        return self();
    }

    /** Where forwards with host port 0 get their port; each driver has its default. */
    public S withPortSupplier(Ports.PortSupplier supplier) {
        requireNotStarted();
        this.portSupplier = supplier;
        return self();
    }

    /** How long {@link #close()} gives the guest after the power button; zero skips it. */
    public S withStopTimeout(Duration timeout) {
        requireNotStarted();
        this.stopTimeout = timeout;
        return self();
    }

    /** How many console lines are kept for waits and error messages. */
    public S withConsoleLines(int lines) {
        requireNotStarted();
        this.consoleLines = lines;
        return self();
    }

    /** Starts the guest; on failure it is closed, so nothing is left running or behind. */
    @Override
    public final synchronized void start() throws VmException {
        requireNotStarted();
        started = true;
        try {
            launch();
        } catch (VmException e) {
            close();
            throw e;
        }
    }

    @Override
    public final String awaitLine(String description, Predicate<String> matcher, Duration timeout)
            throws VmException {
        ConsoleLog log = requireStarted();
        Optional<String> found = log.awaitNext(description, matcher, timeout);
        if (found.isPresent()) {
            return found.get();
        }
        throw lineMissing(description, timeout, log);
    }

    @Override
    public final int awaitExit(Duration timeout) throws VmException {
        ConsoleLog log = requireStarted();
        try {
            if (waitEnded(timeout)) {
                return endStatus();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VmException("interrupted while waiting for " + names.guest() + " to " + names.ends(),
                    OptionalInt.empty(), log.tail(), e);
        }
        forceStop();
        throw new VmException(names.guest() + " did not " + names.ends() + " within " + Durations.human(timeout)
                + "; it was " + names.stopped(), OptionalInt.empty(), log.tail());
    }

    @Override
    public final OptionalInt awaitExitOnceFinished(BooleanSupplier finished, Duration grace, Duration timeout)
            throws VmException {
        ConsoleLog log = requireStarted();
        long deadline = System.nanoTime() + timeout.toNanos();
        long finishedAt = 0;
        try {
            while (true) {
                long now = System.nanoTime();
                if (finishedAt == 0 && finished.getAsBoolean()) {
                    finishedAt = now;
                }
                long until = finishedAt == 0 ? deadline : Math.min(deadline, finishedAt + grace.toNanos());
                if (now - until >= 0) {
                    break;
                }
                if (waitEnded(Duration.ofNanos(Math.min(until - now, FINISHED_POLL.toNanos())))) {
                    return OptionalInt.of(endStatus());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VmException("interrupted while waiting for " + names.guest() + " to " + names.ends(),
                    OptionalInt.empty(), log.tail(), e);
        }
        if (finishedAt == 0) {
            forceStop();
            throw new VmException(names.guest() + " did not " + names.ends() + " within " + Durations.human(timeout)
                    + "; it was " + names.stopped(), OptionalInt.empty(), log.tail());
        }
        events.warn("The guest finished but did not power off within " + Durations.human(grace) + "; "
                + names.stopping() + " " + names.guest());
        try {
            // Not the power button: the guest is already on its way to power off and stuck there.
            stopHarder();
        } catch (InterruptedException e) {
            forceStop();
            Thread.currentThread().interrupt();
        }
        return OptionalInt.empty();
    }

    @Override
    public final List<String> consoleTail() {
        ConsoleLog log = console();
        return log == null ? List.of() : log.tail();
    }

    /** The forwards in effect, with the host ports chosen at start (as this machine reaches them). */
    public final List<PortForward> forwards() {
        return forwards;
    }

    /** The host port forwarded to TCP {@code guestPort}. */
    public final int hostPort(int guestPort) {
        return forwards.stream().filter(f -> f.guestPort() == guestPort && f.protocol() == PortForward.Protocol.TCP)
                .findFirst().orElseThrow(() -> new IllegalArgumentException("no TCP forward to guest port " + guestPort))
                .hostPort();
    }

    /**
     * Registers the guest with jcap's shutdown hook ({@link Cleanup}), which calls
     * {@link #killForShutdown} if jcap is stopped while the guest exists; {@link #close} forgets it.
     */
    protected final void registerForShutdown() {
        Cleanup.Registration r = Cleanup.register(names.guest(), this::killForShutdown);
        synchronized (this) {
            shutdownRegistration = r;
        }
    }

    /** Whether stopping jcap now (Ctrl-C) would kill this guest: from its launch until it is closed. */
    public final synchronized boolean killedOnShutdown() {
        return shutdownRegistration != null && shutdownRegistration.active();
    }

    /** What the shutdown hook does: no politeness, just make sure nothing stays behind. */
    protected abstract void killForShutdown();

    /** Stops the guest if it runs (gently first), then releases what it used; only the first call does anything. */
    @Override
    public final void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            if (running()) {
                stop();
            }
        } finally {
            try {
                release();
            } finally {
                Cleanup.Registration r;
                synchronized (this) {
                    r = shutdownRegistration;
                }
                if (r != null) {
                    r.close();
                }
            }
        }
    }

    /**
     * Starts {@code attempt} with host ports from {@code supplier} for the forwards of
     * {@code wanted} that let the VM pick, and again with new ones while a picked port turns out to
     * be taken ({@link #hostPortTaken}), at most {@value #START_ATTEMPTS} times. Returns the
     * forwards the successful attempt got.
     */
    protected final List<PortForward> startWithPortRetries(List<PortForward> wanted, Ports.PortSupplier supplier,
            Attempt attempt) throws VmException {
        boolean picksPorts = wanted.stream().anyMatch(PortForward::picksHostPort);
        for (int round = 1; ; round++) {
            List<PortForward> chosen = Ports.assign(wanted, supplier);
            try {
                attempt.start(chosen);
                return chosen;
            } catch (VmException e) {
                if (!(picksPorts && round < START_ATTEMPTS && hostPortTaken(e))) {
                    throw e;
                }
                events.debug("A forwarded host port was taken; starting " + names.guest() + " again with another"
                        + " (attempt " + (round + 1) + " of " + START_ATTEMPTS + ")");
            }
        }
    }

    /** Power button, then harder, each step only if the previous one did not end the guest. */
    private void stop() {
        try {
            if (!stopTimeout.isZero() && pressPowerButton()) {
                if (waitEnded(stopTimeout)) {
                    return;
                }
                events.debug("The guest did not power off within " + Durations.human(stopTimeout) + "; "
                        + names.stopping() + " " + names.guest());
            }
            stopHarder();
        } catch (InterruptedException e) {
            forceStop();
            Thread.currentThread().interrupt();
        }
    }

    /** Starts the hypervisor; {@link #start()} closes the VM when this throws. */
    protected abstract void launch() throws VmException;

    /** Whether {@code failure} of one start attempt came from a host port another process took. */
    protected abstract boolean hostPortTaken(VmException failure);

    /** The console, once the guest was started; null before. */
    protected abstract ConsoleLog console();

    /** Whether the hypervisor runs or ran the guest: the waits need that, a console alone is not enough. */
    protected boolean launched() {
        return true;
    }

    /** Whether the guest was started and has not ended. */
    protected abstract boolean running();

    /** Waits up to {@code timeout} for the guest to end; true when it did. */
    protected abstract boolean waitEnded(Duration timeout) throws InterruptedException;

    /** How the guest ended, once {@link #waitEnded} said it did: {@link #awaitExit}'s answer. */
    protected abstract int endStatus() throws VmException;

    /** The error for a console line that did not come: the guest ended, or it is stopped now. */
    protected abstract VmException lineMissing(String description, Duration timeout, ConsoleLog log);

    /** Asks the guest to power off; false when it cannot be asked (then close goes straight on harder). */
    protected abstract boolean pressPowerButton();

    /** Ends a guest that did not power off, as hard as it takes. */
    protected abstract void stopHarder() throws InterruptedException;

    /** Ends the guest at once, without waiting. */
    protected abstract void forceStop();

    /** Frees what the guest used (connections, folders, readers); runs once, on every path of close. */
    protected abstract void release();

    protected abstract S self();

    protected final VmSpec spec() {
        return spec;
    }

    protected final Names names() {
        return names;
    }

    protected final Consumer<String> consoleListener() {
        return consoleListener;
    }

    protected final EventSink events() {
        return events;
    }

    /** Whether the console takes input ({@link #withConsoleInput()}). */
    protected final boolean wantsConsoleInput() {
        return consoleInput;
    }

    protected final int consoleLines() {
        return consoleLines;
    }

    /** The supplier set with {@link #withPortSupplier}, else {@code fallback}. */
    protected final Ports.PortSupplier portSupplier(Ports.PortSupplier fallback) {
        return portSupplier != null ? portSupplier : fallback;
    }

    protected final void forwards(List<PortForward> inEffect) {
        forwards = List.copyOf(inEffect);
    }

    protected final void requireNotStarted() {
        if (started) {
            throw new IllegalStateException("the VM was already started");
        }
    }

    private ConsoleLog requireStarted() {
        ConsoleLog log = console();
        if (log == null || !launched()) {
            throw new IllegalStateException("the VM has not been started");
        }
        return log;
    }
}
