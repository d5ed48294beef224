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
        try (QemuVm vm = new QemuVm(qemu, spec).withEvents(events).withConsoleListener(line -> {
            events.debug("builder: " + line);
            if (signals.failure().test(line)) {
                failure.compareAndSet(null, line);
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
                result = new GuestStreamer(GuestStreamer.Protocol.OSV, timeouts.connect(), timeouts.close())
                        .stream(port, entries, events, vm::isAlive);
            } catch (StreamException e) {
                throw new VmException(e.getMessage(), OptionalInt.empty(), vm.consoleTail(), e);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            events.info(String.format(Locale.ROOT, "Streamed %d bytes in %.2f s; the builder guest closed the"
                    + " connection", result.sent().bytes(), seconds));
            int status = vm.awaitExit(timeouts.powerOff());
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

    private static VmException failed(String line, QemuVm vm) {
        return new VmException("the builder guest failed: " + line.trim(), OptionalInt.empty(), vm.consoleTail());
    }

    /** Lines OSv prints when a program of its command line cannot run or crashes. */
    static boolean osvFailure(String line) {
        return line.startsWith("Failed to load object") || line.startsWith("Aborted")
                || line.contains("Assertion failed") || line.contains("page fault outside application");
    }
}
