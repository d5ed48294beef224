package io.jcap.builder.family.osv;

import io.jcap.builder.family.RunConsole;
import io.jcap.builder.instance.ConsoleFollower;
import io.jcap.builder.instance.InstanceConsole;
import io.jcap.builder.instance.InstanceStatus;
import io.jcap.host.Signals;
import io.jcap.hypervisor.VmException;
import io.jcap.hypervisor.qemu.QemuEnding;
import io.jcap.kernels.osv.OsvKernelElf;
import io.jcap.model.JcapException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An OSv guest's console. OSv prints its banner and a few boot lines, then
 * {@code Cmdline: <command>} right before it starts the application: everything before that line
 * is boot output (shown only when asked), everything after it the application's. With
 * {@link OsvKernelElf#EXIT_TRACE_OPTIONS} OSv also prints one trace line when the application
 * starts and one with its return code; jcap hides both and exits with that code. A kernel without
 * them (or a disk boot of an image whose kernel jcap could not take out) reports no code: a VM
 * that powers off by itself then counts as success, 0. A line showing that OSv could not start or
 * lost the application ({@link CpiodBuilderVm#osvFailure}) is an error.
 *
 * <pre>{@code
 * RunConsole console = new OsvConsole(System.out::println, false, true);
 * console.accept("/hello 0 0.15 app_main_ret(return_code=3)");
 * console.exitStatus(0, List.of());   // 3
 * }</pre>
 */
final class OsvConsole implements RunConsole {
    /** The line OSv prints right before it runs the command line's programs. */
    static final String APPLICATION_START = "Cmdline: ";
    /** OSv's boot messages before {@link #APPLICATION_START} lie in the log's first MiB. */
    static final int HEAD_BYTES = 1 << 20;
    /** OSv's trace of an application's return: {@code /hello  0 0.150 app_main_ret(return_code=3)}. */
    private static final Pattern RETURN = Pattern.compile("\\sapp_main_ret\\(return_code=(-?\\d+)\\)\\s*$");
    /**
     * A trace line, from its thread name on (the application's thread is named after its command,
     * {@code /hello}): OSv's trace thread writes it when the tracepoint fires, which may be in the
     * middle of a line another thread of the application is writing.
     */
    private static final Pattern TRACE = Pattern.compile(
            "(?:^\\S+|[/>]\\S*)\\s+\\d+\\s+\\d+\\.\\d+ app_main(_ret)?\\(.*\\)\\s*$");
    private static final int TAIL_BYTES = 64 * 1024;

    /** The console of detached OSv instances. */
    static final InstanceConsole INSTANCES = new InstanceConsole() {
        @Override
        public InstanceStatus ended(Path consoleLog, boolean stoppedByJcap, Optional<QemuEnding> ending) {
            if (stoppedByJcap) {
                return InstanceStatus.ended(InstanceStatus.Ending.STOPPED);
            }
            List<String> tail = ConsoleFollower.tail(consoleLog, TAIL_BYTES).lines().toList();
            if (tail.stream().anyMatch(CpiodBuilderVm::osvFailure)) {
                return InstanceStatus.ended(InstanceStatus.Ending.ERROR);
            }
            Optional<Integer> code = lastReturnCode(tail);
            if (code.isPresent()) {
                return InstanceStatus.exited(code.get());
            }
            // No return code: OSv powering off by itself is success, as for a foreground run.
            return switch (ending.orElse(QemuEnding.GUEST_POWER_OFF)) {
                case GUEST_POWER_OFF -> InstanceStatus.exited(0);
                case GUEST_FAILURE -> InstanceStatus.ended(InstanceStatus.Ending.ERROR);
                case HOST, VANISHED -> InstanceStatus.ended(InstanceStatus.Ending.KILLED);
            };
        }

        /** OSv prints {@code Cmdline: ...} right before it starts the application. */
        @Override
        public boolean applicationStarted(Path consoleLog) {
            // A rotated log has 8 MiB behind it, far more than OSv's boot.
            return ConsoleFollower.rotated(consoleLog) || ConsoleFollower.tail(consoleLog, TAIL_BYTES).lines().anyMatch(l -> l.startsWith(APPLICATION_START));
        }

        @Override
        public Consumer<String> applicationOutput(Path consoleLog, Consumer<String> lines) {
            ApplicationLines output = new ApplicationLines(lines, false);
            output.started = ConsoleFollower.startRotatedAway(consoleLog, APPLICATION_START, HEAD_BYTES);
            return output;
        }
    };

    private final ApplicationLines output;
    private final boolean tracesExit;
    private final AtomicReference<String> failure = new AtomicReference<>();
    private volatile Integer returnCode;
    private volatile String caveat;

    /**
     * @param showBoot whether OSv's boot lines are passed on too
     * @param tracesExit whether the run asked OSv to trace main's return ({@link
     *     OsvKernelElf#EXIT_TRACE_OPTIONS}); without it a power-off is status 0
     */
    OsvConsole(Consumer<String> output, boolean showBoot, boolean tracesExit) {
        this.output = new ApplicationLines(output, showBoot);
        this.tracesExit = tracesExit;
    }

    @Override
    public void accept(String line) {
        if (CpiodBuilderVm.osvFailure(line)) {
            failure.compareAndSet(null, line);
        }
        Matcher m = RETURN.matcher(line);
        if (m.find()) {
            returnCode = exitCode(m.group(1));
        }
        output.accept(line);
    }

    @Override
    public int exitStatus(int vmStatus, List<String> consoleTail) throws JcapException {
        if (failure.get() != null) {
            throw new VmException("the OSv guest failed: " + failure.get().trim(), OptionalInt.of(vmStatus),
                    consoleTail);
        }
        if (vmStatus != 0) {
            boolean killed = Signals.killedBy(vmStatus).isPresent();
            throw new VmException("QEMU " + (killed ? "was " : "") + Signals.describeEnd(vmStatus)
                    + (killed ? " before the application returned" : ""), OptionalInt.of(vmStatus), consoleTail);
        }
        Integer code = returnCode;
        if (code == null && tracesExit && output.started) {
            // OSv's exit() prints its status only with --verbose (runtime.cc) and shuts down: main
            // never returns, so the trace has nothing to say. Checked on a real OSv: exit(5) gave 0.
            caveat = "the application ended without returning from main (it called exit(), or OSv shut down):"
                    + " OSv reports no exit status then, so jcap run exits 0; return from main to give one";
        }
        return code == null ? 0 : code;
    }

    @Override
    public Optional<String> exitStatusCaveat() {
        return Optional.ofNullable(caveat);
    }

    /** The return code of the last application that returned, from the console's trace lines. */
    static Optional<Integer> lastReturnCode(List<String> lines) {
        Integer code = null;
        for (String line : lines) {
            Matcher m = RETURN.matcher(line);
            if (m.find()) {
                code = exitCode(m.group(1));
            }
        }
        return Optional.ofNullable(code);
    }

    /** A return value as a process exit status: its low eight bits, as on Linux. */
    private static int exitCode(String value) {
        try {
            return Integer.parseInt(value) & 0xFF;
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /**
     * Passes the application's lines on: none of OSv's boot lines (unless asked), none of its
     * trace lines. A trace written into the middle of an application's line is cut out and the two
     * halves of that line are joined again.
     */
    static final class ApplicationLines implements Consumer<String> {
        private final Consumer<String> lines;
        private final boolean showBoot;
        private volatile boolean started;
        private String pending = "";

        ApplicationLines(Consumer<String> lines, boolean showBoot) {
            this.lines = lines;
            this.showBoot = showBoot;
        }

        @Override
        public void accept(String text) {
            Matcher trace = TRACE.matcher(text);
            if (trace.find()) {
                pending += text.substring(0, trace.start());
                return;
            }
            String line = pending + text;
            pending = "";
            if (!started) {
                started = line.startsWith(APPLICATION_START);
                if (!showBoot) {
                    return;
                }
            }
            lines.accept(line);
        }
    }
}
