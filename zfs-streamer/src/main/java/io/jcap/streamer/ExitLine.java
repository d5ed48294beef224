package io.jcap.streamer;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code JCAP-EXIT} line that ends one run, as the host expects it (docs/guest-protocol.md,
 * "Console lines the host parses"). The application writes to the same console as the init, so
 * a line it prints could read as the init's end: an application that logs what its clients send
 * would let a client choose the run's exit status, hide the output after it, and have a detached
 * instance stopped. A run of an image whose init takes one (guest protocol 5) is therefore given
 * a random tag through its run-time settings, which the application never sees, and only the end
 * line carrying that tag counts; images of older inits end {@link #UNTAGGED}.
 *
 * <pre>{@code
 * ExitLine end = ExitLine.random();             // its tag goes to the guest as "exit_tag <tag>"
 * end.match("JCAP-EXIT 7");                     // empty: the application's own text
 * end.match("JCAP-EXIT 0 " + end.tag().get());  // Exit[before=, status=0]
 * }</pre>
 *
 * @param tag the run's tag, 16 to 64 lowercase hexadecimal digits; empty: the line without one
 */
public record ExitLine(Optional<String> tag) {
    /** The end line of an init that takes no tag (guest protocol 4 and before), or of a run given none. */
    public static final ExitLine UNTAGGED = new ExitLine(Optional.empty());
    private static final Pattern TAG = Pattern.compile("[0-9a-f]{16,64}");
    private static final SecureRandom RANDOM = new SecureRandom();

    public ExitLine {
        if (tag.isPresent() && !TAG.matcher(tag.get()).matches()) {
            throw new IllegalArgumentException("an exit tag is 16 to 64 lowercase hexadecimal digits, not '"
                    + tag.get() + "'");
        }
    }

    /** A new run's end line, with 128 random bits as its tag. */
    public static ExitLine random() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return new ExitLine(Optional.of(HexFormat.of().formatHex(bytes)));
    }

    /**
     * The whole console line, without its line end: the application's unterminated last output
     * (group 1), {@code JCAP-EXIT}, the status (group 2) and the tag, if any.
     */
    public Pattern pattern() {
        return tag.map(t -> Pattern.compile("(.*)" + GuestMarker.EXIT + " (\\d{1,3}) " + t + "$", Pattern.DOTALL))
                .orElse(GuestMarker.EXIT_LINE);
    }

    /** The end {@code wholeLine} reports, or empty when it is not this run's end line. */
    public Optional<GuestMarker.Exit> match(String wholeLine) {
        Matcher m = pattern().matcher(wholeLine);
        return m.matches() ? Optional.of(new GuestMarker.Exit(m.group(1), Integer.parseInt(m.group(2))))
                : Optional.empty();
    }
}
