package io.jcap.builder;

import io.jcap.builder.instance.ConsoleFollower;
import io.jcap.builder.instance.Instance;
import io.jcap.builder.instance.InstanceConsole;
import io.jcap.builder.instance.InstanceStore;
import io.jcap.builder.instance.LastLines;
import io.jcap.builder.instance.RemoteConsoleCopies;
import io.jcap.hypervisor.qemu.ConsoleLogKeeper;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The console side of {@link Instances}: {@code jcap logs [-f]} of an instance, and the wait of
 * {@code jcap stop} for its application to start. A remote libvirt domain's console is read from
 * this machine's copy ({@link RemoteConsoleCopies}), brought up to date as it is read.
 */
final class InstanceLogs {
    private static final Duration START_POLL = Duration.ofMillis(50);
    /** How often following a libvirt domain's console asks libvirt whether the domain still runs. */
    private static final Duration DOMAIN_POLL = Duration.ofSeconds(1);

    private InstanceLogs() {
    }

    /** {@link Instances#logs} of {@code instance}. */
    static void read(InstanceStore store, Instance instance, boolean follow, boolean wholeConsole,
            OptionalInt tail, Consumer<String> all, EventSink events) throws JcapException, InterruptedException {
        // --tail: the last lines of what is there now (of the application's output, or the whole
        // console's), then, when followed, every line after them.
        LastLines last = new LastLines(tail.orElse(0), all);
        Consumer<String> lines = tail.isPresent() ? last : all;
        Consumer<String> sink = wholeConsole ? lines : store.console(instance).applicationOutput(instance.files().consoleLog(), lines);
        try (RemoteConsoleCopies copies = new RemoteConsoleCopies(instance)) {
            if (!copies.copy()) {
                events.warn("cannot read the console of instance '" + instance.name() + "' on "
                        + instance.remoteHost().orElseThrow() + " now: what follows is what was copied from it before");
                if (follow) {
                    // Followed from the first copy that works.
                    copies.createIfMissing();
                }
            }
            BooleanSupplier writing = instance.domain().isEmpty() ? writing(instance)
                    : domainWriting(store, instance, copies);
            // A partial last line is passed on at the end of a read that does not follow: the held
            // lines go after it, so that it counts among the last.
            ConsoleFollower.read(instance.files().consoleLog(), follow ? writing : null, sink,
                    follow ? last::flush : () -> { });
        }
        last.flush();
    }

    /**
     * Waits until the guest has started the application (on Linux the init's {@code JCAP-START}
     * line; the init listens to the power button from then on), or the guest ended, within {@code timeout}.
     * A power button pressed while the guest still boots is lost: the kernel has not loaded its
     * driver yet. Returns what is left of the timeout.
     */
    static Duration awaitApplicationStart(InstanceStore store, Instance instance, Duration timeout)
            throws InterruptedException {
        InstanceConsole console = store.console(instance);
        long deadline = System.nanoTime() + timeout.toNanos();
        try (RemoteConsoleCopies copies = new RemoteConsoleCopies(instance)) {
            while (store.running(instance)) {
                // A remote domain's copy is brought up to date first, when its host answers.
                copies.copy();
                if (console.applicationStarted(instance.files().consoleLog())) {
                    break;
                }
                if (System.nanoTime() - deadline >= 0) {
                    return Duration.ZERO;
                }
                Thread.sleep(START_POLL.toMillis());
            }
        }
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    /**
     * Whether a libvirt domain's console may still grow: while libvirt says it runs (asked at most
     * once a second, a remote host's answer taking an SSH round trip). A remote domain's copy is
     * brought up to date on each look, and once more after the domain is found ended.
     */
    private static BooleanSupplier domainWriting(InstanceStore store, Instance instance, RemoteConsoleCopies copies) {
        long[] askedAt = {System.nanoTime() - DOMAIN_POLL.toNanos()};
        boolean[] running = {true};
        return () -> {
            if (System.nanoTime() - askedAt[0] >= DOMAIN_POLL.toNanos()) {
                askedAt[0] = System.nanoTime();
                running[0] = store.running(instance);
            }
            copies.copy();
            return running[0];
        };
    }

    /**
     * Whether an instance's console log may still grow: while QEMU runs, and after it ended until
     * the console keeper says it wrote everything (at most {@link Instances#KEEPER_DRAIN} more).
     */
    private static BooleanSupplier writing(Instance instance) {
        Path done = ConsoleLogKeeper.doneMarker(instance.files().consoleLog());
        long[] endedAt = {0};
        return () -> {
            if (instance.qemu().isRunning()) {
                return true;
            }
            if (endedAt[0] == 0) {
                endedAt[0] = System.nanoTime();
            }
            return !Files.exists(done) && System.nanoTime() - endedAt[0] < Instances.KEEPER_DRAIN.toNanos();
        };
    }
}
