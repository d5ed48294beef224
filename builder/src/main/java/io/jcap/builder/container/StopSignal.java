package io.jcap.builder.container;

import io.jcap.host.Signals;
import io.jcap.model.JcapException;
import java.util.Locale;
import java.util.Optional;

/**
 * A container image's {@code StopSignal} as the number the guest init sends on the first power
 * button press ({@code jcap stop}): {@code SIGQUIT}, {@code QUIT}, {@code 3}, {@code SIGRTMIN+3}
 * as Docker and Podman read them, with Linux's x86-64 numbers.
 */
final class StopSignal {
    private static final int RTMIN = 34;
    private static final int RTMAX = 64;

    private StopSignal() {
    }

    /** The signal's number, or an error naming the image and what is allowed. */
    static int number(String text, String image) throws JcapException {
        String name = text.strip().toUpperCase(Locale.ROOT);
        name = name.startsWith("SIG") ? name.substring(3) : name;
        Optional<Integer> known = Signals.number(name);
        if (known.isPresent()) {
            return known.get();
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
