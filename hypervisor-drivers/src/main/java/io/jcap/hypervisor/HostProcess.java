package io.jcap.hypervisor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A process of this host named by its pid and its start time, so that a pid the kernel handed
 * to another process after ours ended is not taken for ours. Reads Linux's {@code /proc}.
 *
 * <pre>{@code
 * HostProcess qemu = HostProcess.of(pid).orElseThrow();   // recorded when QEMU started
 * ...
 * qemu.isRunning();   // false once it ended, even if the pid is in use again
 * }</pre>
 *
 * @param startTicks field 22 of {@code /proc/<pid>/stat}: when the process started, in clock ticks
 *     since boot
 */
public record HostProcess(long pid, long startTicks) {
    private static final Path PROC = Path.of("/proc");

    public HostProcess {
        if (pid < 1) {
            throw new IllegalArgumentException("a pid is positive, got " + pid);
        }
    }

    /** The process with this pid as it is now, if there is one (a zombie counts as none). */
    public static Optional<HostProcess> of(long pid) {
        return of(PROC, pid);
    }

    static Optional<HostProcess> of(Path proc, long pid) {
        return Stat.read(proc, pid).filter(Stat::living).map(s -> new HostProcess(pid, s.startTicks()));
    }

    /**
     * Whether this very process still runs: the pid exists, started at the recorded time, and is
     * not a zombie (an ended process whose parent has not collected it yet).
     */
    public boolean isRunning() {
        return isRunning(PROC);
    }

    boolean isRunning(Path proc) {
        return Stat.read(proc, pid).filter(s -> s.living() && s.startTicks() == startTicks).isPresent();
    }

    /** Sends SIGTERM, or SIGKILL when {@code forcibly}, if this very process still runs. */
    public void signal(boolean forcibly) {
        if (!isRunning()) {
            return;
        }
        ProcessHandle.of(pid).ifPresent(h -> {
            if (forcibly) {
                h.destroyForcibly();
            } else {
                h.destroy();
            }
        });
    }

    /** The two fields of {@code /proc/<pid>/stat} that matter here. */
    record Stat(char state, long startTicks) {
        boolean living() {
            return state != 'Z' && state != 'X' && state != 'x';
        }

        static Optional<Stat> read(Path proc, long pid) {
            String text;
            try {
                text = Files.readString(proc.resolve(Long.toString(pid)).resolve("stat"), StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                return Optional.empty();
            } catch (IOException e) {
                // The process ended while we read (ESRCH) or /proc is not there: it is not running.
                return Optional.empty();
            }
            return parse(text);
        }

        /** The command name (field 2) may hold spaces and parentheses: fields count from the last ')'. */
        static Optional<Stat> parse(String text) {
            int close = text.lastIndexOf(')');
            if (close < 0) {
                return Optional.empty();
            }
            String[] fields = text.substring(close + 1).trim().split(" ");
            // fields[0] is field 3 (state), so field 22 (starttime) is fields[19].
            if (fields.length < 20 || fields[0].length() != 1) {
                return Optional.empty();
            }
            try {
                return Optional.of(new Stat(fields[0].charAt(0), Long.parseLong(fields[19])));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
    }
}
