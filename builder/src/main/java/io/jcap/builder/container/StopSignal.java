package io.jcap.builder.container;

import io.jcap.model.JcapException;
import java.util.Locale;
import java.util.Map;

/**
 * A container image's {@code StopSignal} as the number the guest init sends on the first power
 * button press ({@code jcap stop}): {@code SIGQUIT}, {@code QUIT}, {@code 3}, {@code SIGRTMIN+3}
 * as Docker and Podman read them, with Linux's x86-64 numbers.
 */
final class StopSignal {
    private static final Map<String, Integer> NUMBERS = Map.ofEntries(Map.entry("HUP", 1), Map.entry("INT", 2),
            Map.entry("QUIT", 3), Map.entry("ILL", 4), Map.entry("TRAP", 5), Map.entry("ABRT", 6), Map.entry("IOT", 6),
            Map.entry("BUS", 7), Map.entry("FPE", 8), Map.entry("KILL", 9), Map.entry("USR1", 10),
            Map.entry("SEGV", 11), Map.entry("USR2", 12), Map.entry("PIPE", 13), Map.entry("ALRM", 14),
            Map.entry("TERM", 15), Map.entry("STKFLT", 16), Map.entry("CHLD", 17), Map.entry("CONT", 18),
            Map.entry("STOP", 19), Map.entry("TSTP", 20), Map.entry("TTIN", 21), Map.entry("TTOU", 22),
            Map.entry("URG", 23), Map.entry("XCPU", 24), Map.entry("XFSZ", 25), Map.entry("VTALRM", 26),
            Map.entry("PROF", 27), Map.entry("WINCH", 28), Map.entry("IO", 29), Map.entry("POLL", 29),
            Map.entry("PWR", 30), Map.entry("SYS", 31));
    private static final int RTMIN = 34;
    private static final int RTMAX = 64;

    private StopSignal() {
    }

    /** The signal's number, or an error naming the image and what is allowed. */
    static int number(String text, String image) throws JcapException {
        String name = text.strip().toUpperCase(Locale.ROOT);
        name = name.startsWith("SIG") ? name.substring(3) : name;
        Integer known = NUMBERS.get(name);
        if (known != null) {
            return known;
        }
        try {
            int n;
            if (name.matches("RTMIN(\\+[0-9]{1,2})?")) {
                n = RTMIN + (name.length() > 5 ? Integer.parseInt(name.substring(6)) : 0);
            } else if (name.matches("RTMAX(-[0-9]{1,2})?")) {
                n = RTMAX - (name.length() > 5 ? Integer.parseInt(name.substring(6)) : 0);
            } else {
                n = name.matches("[0-9]{1,2}") ? Integer.parseInt(name) : 0;
            }
            if (n >= 1 && n <= RTMAX) {
                return n;
            }
        } catch (NumberFormatException e) {
            // falls through to the error below
        }
        throw new JcapException(image + ": its StopSignal '" + text + "' is not a signal: use a name such as SIGTERM,"
                + " SIGINT or SIGQUIT, SIGRTMIN+N, or a number from 1 to 64");
    }
}
