package io.jcap.host;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Linux's x86-64 signals by name and number, for what jcap reads (a container image's
 * {@code StopSignal}) and what it says (the signal that ended a process).
 *
 * <pre>{@code
 * Signals.number("TERM");   // Optional[15]
 * Signals.name(9);          // Optional[SIGKILL]
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
}
