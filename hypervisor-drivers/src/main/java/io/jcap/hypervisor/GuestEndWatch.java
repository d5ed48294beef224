package io.jcap.hypervisor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The detached guest's watchdog once its application has ended: the console line that says so
 * (the Linux init's {@code JCAP-EXIT N}), then a grace for the guest to power off, after which its
 * QEMU is stopped (SIGTERM, and SIGKILL 5 s later). A guest whose kernel locks up while powering
 * off (seen under TCG on a busy host) would otherwise stay "running" with nobody left to stop it.
 * The console keeper of a QEMU guest and the console watcher of a libvirt domain both use it.
 *
 * <pre>{@code
 * GuestEndWatch watch = new GuestEndWatch(Pattern.compile("(.*)JCAP-EXIT (\\d{1,3})$"), Duration.ofSeconds(30));
 * GuestEndWatch.Lines lines = watch.lines(() -> GuestEndWatch.stopUnlessEnded(pid, mark, watch.grace(), System.err::println));
 * lines.feed(consoleBytes);   // runs the action once, at the first end line
 * }</pre>
 *
 * @param endLine matched against each whole console line, without its line end
 */
public record GuestEndWatch(Pattern endLine, Duration grace) {
    /** The longest line looked at; longer lines are cut there. */
    static final int MAX_LINE = ConsoleLineSplitter.MAX_LINE;
    /**
     * The environment variable that gives a helper process (a console keeper, a console watcher)
     * the end line's pattern. Not its command line, which every local user reads: the pattern
     * holds the run's exit tag, and a process's environment is its owner's alone.
     */
    public static final String END_LINE_VARIABLE = "JCAP_END_LINE";

    public GuestEndWatch {
        if (grace.isNegative()) {
            throw new IllegalArgumentException("a power-off grace cannot be negative: " + grace);
        }
    }

    /** Puts the end line's pattern into a helper process's environment; its grace goes on the command line. */
    public void pass(ProcessBuilder helper) {
        helper.environment().put(END_LINE_VARIABLE, endLine.pattern());
    }

    /**
     * The watch a helper process was given ({@link #pass}): the pattern from its environment,
     * the grace in milliseconds from its command line.
     *
     * @throws IllegalArgumentException when the environment has no pattern or the grace is no number
     */
    public static GuestEndWatch passed(String graceMillis) {
        String pattern = System.getenv(END_LINE_VARIABLE);
        if (pattern == null || pattern.isEmpty()) {
            throw new IllegalArgumentException("no end line in " + END_LINE_VARIABLE);
        }
        return new GuestEndWatch(Pattern.compile(pattern, Pattern.DOTALL), Duration.ofMillis(Long.parseLong(graceMillis)));
    }

    /** A scanner of console bytes that runs {@code onEnd} once, at the first end line. */
    public Lines lines(Runnable onEnd) {
        return new Lines(endLine, onEnd);
    }

    /** Console bytes cut into lines, in any pieces; see {@link #lines}. */
    public static final class Lines {
        private final Pattern endLine;
        private final Runnable onEnd;
        private final StringBuilder line = new StringBuilder();
        private boolean ended;

        Lines(Pattern endLine, Runnable onEnd) {
            this.endLine = endLine;
            this.onEnd = onEnd;
        }

        /** Looks at the buffer's remaining bytes without consuming them. */
        public void feed(ByteBuffer bytes) {
            for (int i = bytes.position(); i < bytes.limit() && !ended; i++) {
                char c = (char) (bytes.get(i) & 0xff);
                if (c == '\n') {
                    int end = line.length();
                    if (end > 0 && line.charAt(end - 1) == '\r') {
                        line.setLength(end - 1);
                    }
                    if (endLine.matcher(line).matches()) {
                        ended = true;
                        onEnd.run();
                    }
                    line.setLength(0);
                } else if (line.length() < MAX_LINE) {
                    line.append(c);
                }
            }
        }

        /** Whether the end line has been seen. */
        public boolean ended() {
            return ended;
        }
    }

    /**
     * Waits up to {@code grace} for process {@code pid} to end, and stops it when it has not:
     * SIGTERM, and SIGKILL 5 s later. Only a process whose command line holds {@code mark} (its
     * console socket, its domain's name) is waited for or stopped, so a reused pid is left alone.
     * {@code note} hears why it stops one.
     */
    public static void stopUnlessEnded(long pid, String mark, Duration grace, Consumer<String> note) {
        try {
            Optional<ProcessHandle> qemu = ProcessHandle.of(pid);
            String cmdline = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"), StandardCharsets.UTF_8);
            if (qemu.isEmpty() || !cmdline.contains(mark)) {
                return;
            }
            if (ended(qemu.get(), grace)) {
                return;
            }
            note.accept("the guest's application ended " + grace.toSeconds()
                    + " s ago but the guest did not power off; stopping QEMU (pid " + pid + ")");
            qemu.get().destroy();
            if (!ended(qemu.get(), Duration.ofSeconds(5))) {
                qemu.get().destroyForcibly();
            }
        } catch (IOException | RuntimeException e) {
            // The process ended meanwhile (no /proc entry): nothing to stop.
        }
    }

    private static boolean ended(ProcessHandle process, Duration within) {
        return process.onExit().completeOnTimeout(null, within.toMillis(), TimeUnit.MILLISECONDS).join() != null;
    }
}
