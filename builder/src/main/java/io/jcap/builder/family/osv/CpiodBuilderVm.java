package io.jcap.builder.family.osv;

import io.jcap.formats.cpio.StreamStats;
import io.jcap.hypervisor.VmException;
import io.jcap.hypervisor.VmSpec;
import io.jcap.hypervisor.qemu.QemuInstallation;
import io.jcap.hypervisor.qemu.QemuVm;
import io.jcap.model.EventSink;
import io.jcap.model.ImageEntry;
import io.jcap.model.JcapException;
import io.jcap.streamer.GuestStreamer;
import io.jcap.streamer.StreamException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * Fills a disk through a builder VM that receives files the way OSv's {@code cpiod} does: the
 * guest prints a readiness line on its console and listens; the host streams a newc cpio,
 * half-closes, and waits until the guest closes the connection (it has written everything), then
 * until QEMU exits by itself. The guest says nothing on the connection, so success is the close,
 * a clean power-off (QEMU status 0) and no failure line on the console. Every wait is bounded;
 * a failure carries the console's last lines.
 *
 * <pre>{@code
 * StreamStats sent = new CpiodBuilderVm(qemu, events, Timeouts.DEFAULT)
 *         .fill(spec, 10000, GuestSignals.OSV, tree.entries());
 * }</pre>
 */
final class CpiodBuilderVm {
    /** The bounds of each wait. */
    record Timeouts(Duration ready, Duration connect, Duration close, Duration powerOff) {
        /** Boot plus mkfs under software emulation; writing and syncing a large stream; the final commands. */
        static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(300), Duration.ofSeconds(60),
                Duration.ofSeconds(600), Duration.ofSeconds(300));
    }

    /**
     * What the guest prints: the line that says it listens, and lines that mean it failed.
     *
     * @param description the readiness line in words, for messages
     */
    record GuestSignals(String description, Predicate<String> ready, Predicate<String> failure) {
        /** OSv's cpiod, and what OSv prints when a command of the builder command line goes wrong. */
        static final GuestSignals OSV = new GuestSignals("OSv's line \"" + OsvZfsDisk.READY_LINE + "\"",
                line -> line.contains(OsvZfsDisk.READY_LINE), CpiodBuilderVm::osvFailure);
    }

    /** How long the console may go on after a failure line (the backtrace) before the build ends. */
    private static final Duration FAILURE_GRACE = Duration.ofSeconds(1);
    private static final Duration POLL = Duration.ofMillis(100);

    private final QemuInstallation qemu;
    private final EventSink events;
    private final Timeouts timeouts;

    CpiodBuilderVm(QemuInstallation qemu, EventSink events, Timeouts timeouts) {
        this.qemu = qemu;
        this.events = events;
        this.timeouts = timeouts;
    }

    /**
     * Boots {@code spec} (which forwards a host port to {@code guestPort}) and streams
     * {@code entries} into the guest.
     */
    StreamStats fill(VmSpec spec, int guestPort, GuestSignals signals, List<ImageEntry> entries)
            throws JcapException, InterruptedException {
        AtomicReference<String> failure = new AtomicReference<>();
        GuestStreamer streamer = new GuestStreamer(GuestStreamer.Protocol.OSV, timeouts.connect(), timeouts.close());
        // A builder still running when this ends has failed and its disk is thrown away: no power button
        // (a halted OSv would not answer it), QEMU is stopped at once.
        try (QemuVm vm = new QemuVm(qemu, spec).withEvents(events).withStopTimeout(Duration.ZERO).withConsoleListener(line -> {
            events.debug("builder: " + line);
            if (signals.failure().test(line) && failure.compareAndSet(null, line)) {
                // OSv halts after an abort and never closes the connection: end the stream now,
                // after a moment for the backtrace to reach the console.
                abortLater(streamer, "the builder guest failed: " + line.trim());
            }
        })) {
            vm.start();
            String line = vm.awaitLine(signals.description(), l -> signals.ready().test(l) || signals.failure().test(l),
                    timeouts.ready());
            if (!signals.ready().test(line)) {
                throw failed(line, vm);
            }
            int port = vm.hostPort(guestPort);
            long started = System.nanoTime();
            GuestStreamer.StreamResult result;
            try {
                result = streamer.stream(port, entries, events, vm::isAlive);
            } catch (StreamException e) {
                throw new VmException(e.getMessage(), OptionalInt.empty(), vm.consoleTail(), e);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            events.info(String.format(Locale.ROOT, "Streamed %d bytes in %.2f s; the builder guest closed the"
                    + " connection", result.sent().bytes(), seconds));
            int status = awaitPowerOff(vm, failure);
            if (failure.get() != null) {
                throw failed(failure.get(), vm);
            }
            if (status != 0) {
                throw new VmException("the builder VM exited with status " + status, OptionalInt.of(status),
                        vm.consoleTail());
            }
            return result.sent();
        }
    }

    /**
     * Waits for QEMU to exit by itself, or for a failure line (OSv halts instead of powering off
     * after one, so waiting for the exit alone would take the whole bound).
     */
    private int awaitPowerOff(QemuVm vm, AtomicReference<String> failure) throws VmException, InterruptedException {
        long deadline = System.nanoTime() + timeouts.powerOff().toNanos();
        while (vm.isAlive() && System.nanoTime() < deadline) {
            if (failure.get() != null) {
                Thread.sleep(FAILURE_GRACE.toMillis());
                throw failed(failure.get(), vm);
            }
            Thread.sleep(POLL.toMillis());
        }
        if (vm.isAlive()) {
            throw new VmException("the builder VM did not power off within " + timeouts.powerOff().toSeconds()
                    + " s after the stream ended; it was stopped", OptionalInt.empty(), vm.consoleTail());
        }
        return vm.awaitExit(POLL);
    }

    private static void abortLater(GuestStreamer streamer, String reason) {
        Thread abort = new Thread(() -> {
            try {
                Thread.sleep(FAILURE_GRACE.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            streamer.abort(reason);
        }, "jcap-builder-abort");
        abort.setDaemon(true);
        abort.start();
    }

    private static VmException failed(String line, QemuVm vm) {
        return new VmException("the builder guest failed: " + line.trim(), OptionalInt.empty(), vm.consoleTail());
    }

    /**
     * Lines OSv prints when it cannot start a program of its command line, or when it crashes
     * ({@code Aborted}, then a {@code [backtrace]}; OSv then halts without powering off).
     */
    static boolean osvFailure(String line) {
        return line.startsWith("Failed to load object") || line.startsWith("Aborted")
                || line.startsWith("[backtrace]") || line.startsWith("Failed to open runscript file")
                || line.startsWith("Failed to create the main thread") || line.startsWith("Failed to parse command line")
                || line.startsWith("Failed to preload ZFS library")
                || line.startsWith("This image has an empty command line")
                || line.contains("Assertion failed") || line.contains("page fault outside application");
    }
}
