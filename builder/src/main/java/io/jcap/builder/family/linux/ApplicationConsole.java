package io.jcap.builder.family.linux;

import io.jcap.builder.family.RunConsole;
import io.jcap.host.Cleanup;
import io.jcap.host.Signals;
import io.jcap.hypervisor.VmException;
import io.jcap.model.JcapException;
import io.jcap.streamer.ExitLine;
import io.jcap.streamer.GuestMarker;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * Reads an image's serial console as the guest init writes it (docs/guest-protocol.md): boot
 * messages until {@code JCAP-START}, then the application's output, then {@code JCAP-EXIT N}
 * with the run's tag ({@link ExitLine}). Passes the application's lines on, an end line without
 * the tag among them, and keeps the exit status, which a run exits with.
 */
final class ApplicationConsole implements RunConsole {
    private static final String PANIC = "Kernel panic - not syncing: ";

    private final Consumer<String> output;
    private final boolean showBoot;
    private final ExitLine end;
    private volatile boolean started;
    private volatile Integer status;
    private volatile String error;
    /** Why the kernel panicked before the application started, when it did. */
    private volatile String panic;
    private volatile boolean outOfMemory;

    /**
     * @param end the line that ends the run (the plan's)
     * @param startRotatedAway whether the log begins after {@code JCAP-START}: every line is the application's
     */
    ApplicationConsole(Consumer<String> output, boolean showBoot, ExitLine end, boolean startRotatedAway) {
        this.output = output;
        this.showBoot = showBoot;
        this.end = end;
        this.started = startRotatedAway;
    }

    @Override
    public void accept(String line) {
        if (status != null) {
            // -v shows the whole console: the init's end and the kernel's power-off too.
            if (showBoot) {
                output.accept(line);
            }
            return;
        }
        GuestMarker marker = GuestMarker.parse(line, end).orElse(null);
        if (marker instanceof GuestMarker.Error e) {
            error = e.message();
        }
        if (!started) {
            bootProblem(line);
            started = marker instanceof GuestMarker.Start;
            if (showBoot || marker instanceof GuestMarker.Error || initProblem(line)) {
                output.accept(line);
            }
            return;
        }
        if (marker instanceof GuestMarker.Exit exit) {
            if (!exit.before().isEmpty()) {
                output.accept(exit.before());
            }
            status = exit.status();
            if (showBoot) {
                // Without the tag: it is the run's secret, whatever -v shows.
                output.accept(GuestMarker.EXIT + " " + exit.status());
            }
            return;
        }
        output.accept(line);
    }

    /**
     * A line of the init's before the application starts that says something went otherwise than
     * asked: cloud-init data not applied or ignored, a network card without a driver, no DHCP
     * lease, a module that did not load (docs/guest-protocol.md). Shown without -v, since the
     * application then runs without what was asked for; the init's progress lines
     * ({@code jcap-init [...]}) and the summary of the cloud-init data it applied are -v's.
     */
    static boolean initProblem(String line) {
        return line.startsWith("jcap-init: ") && !line.startsWith("jcap-init: cloud-init data from ");
    }

    /**
     * Keeps a kernel panic's reason and whether the kernel ran out of memory: without -v the boot's
     * lines are not shown, and the console's last lines are the panic's call trace.
     */
    private void bootProblem(String line) {
        int at = line.indexOf(PANIC);
        if (at >= 0 && panic == null) {
            panic = line.substring(at + PANIC.length()).strip();
        }
        // The panic's own reason ("System is deadlocked on memory") when the kernel's quiet log level
        // hid the OOM killer's lines (-v shows them).
        if (line.contains("invoked oom-killer") || line.contains("Out of memory")
                || at >= 0 && line.toLowerCase(Locale.ROOT).contains("memory")) {
            outOfMemory = true;
        }
    }

    @Override
    public boolean applicationEnded() {
        return status != null;
    }

    @Override
    public boolean applicationStarted() {
        return started;
    }

    OptionalInt status() {
        Integer s = status;
        return s == null ? OptionalInt.empty() : OptionalInt.of(s);
    }

    /** The init's last error line, if it printed one. */
    String error() {
        return error;
    }

    /** The status the init reported; without one, why the run failed. */
    @Override
    public int exitStatus(int vmStatus, List<String> consoleTail) throws JcapException {
        OptionalInt reported = status();
        if (reported.isPresent()) {
            return reported.getAsInt();
        }
        if (Cleanup.shuttingDown()) {
            // Ctrl-C: the shutdown hooks stopped the VM; nothing went wrong with the image.
            throw new JcapException("stopped: jcap was interrupted");
        }
        String why = error != null ? "the guest failed: " + error
                : panic != null && !started ? "the guest's kernel panicked before the application started ("
                        + panic + ")" + (outOfMemory ? ": it ran out of memory while booting; give the image more"
                        + " memory (jcap run -m SIZE, or memory: in the Capstanfile) or fewer CPUs (-c), which"
                        + " each take some" : "")
                : Signals.killedBy(vmStatus).isPresent() ? "QEMU was " + Signals.describeEnd(vmStatus)
                        + (started ? " before the application reported its exit status"
                        : " before the image's application started")
                : started ? "the image powered off without reporting the application's exit status"
                : "the image stopped before its application started";
        throw new VmException(why, OptionalInt.of(vmStatus), consoleTail);
    }
}
