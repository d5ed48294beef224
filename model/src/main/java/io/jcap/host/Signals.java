package io.jcap.host;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Linux's x86-64 signals by name and number, for what jcap reads (a container image's
 * {@code StopSignal}) and what it says (the signal that ended a process).
 *
 * <pre>{@code
 * Signals.number("TERM");   // Optional[15]
 * Signals.name(9);          // Optional[SIGKILL]
 * Signals.killedBy(137);    // OptionalInt[9]: Process.exitValue() of a process killed by SIGKILL
 * }</pre>
 */
public final class Signals {
    /** The standard signals' names without {@code SIG}, by number (index 0 unused). */
    private static final String[] NAMES = {null, "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL",
        "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU",
        "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS"};
    private static final Map<String, Integer> NUMBERS = new HashMap<>();

    static {
        for (int n = 1; n < NAMES.length; n++) {
            NUMBERS.put(NAMES[n], n);
        }
        // Other names of the same signals.
        NUMBERS.put("IOT", 6);
        NUMBERS.put("POLL", 29);
    }

    private Signals() {
    }

    /** A standard signal's number by its name without {@code SIG}, in capitals ({@code TERM}). */
    public static Optional<Integer> number(String name) {
        return Optional.ofNullable(NUMBERS.get(name));
    }

    /** {@code SIGKILL} for 9; empty for a number that is no standard signal (a real-time one). */
    public static Optional<String> name(int number) {
        return number >= 1 && number < NAMES.length ? Optional.of("SIG" + NAMES[number]) : Optional.empty();
    }

    /**
     * The signal that killed a process, from its status as Java reports it (128 + the signal);
     * empty for a status of its own (QEMU exits with 0 or 1 when the guest powers off or it fails).
     */
    public static OptionalInt killedBy(int status) {
        return status > 128 && status < 128 + 65 ? OptionalInt.of(status - 128) : OptionalInt.empty();
    }

    /** "killed by signal 9 (SIGKILL)", or "exited with status N" when no signal ended it. */
    public static String describeEnd(int status) {
        OptionalInt signal = killedBy(status);
        return signal.isPresent() ? "killed by signal " + signal.getAsInt()
                + name(signal.getAsInt()).map(n -> " (" + n + ")").orElse("") : "exited with status " + status;
    }
}
