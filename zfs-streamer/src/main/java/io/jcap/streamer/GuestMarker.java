package io.jcap.streamer;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A console line of jcap's guest init that means something to the host (docs/guest-protocol.md):
 * the one parser of the protocol's markers, for builder guests and application runs alike.
 *
 * <pre>{@code
 * if (GuestMarker.parse(line).orElse(null) instanceof GuestMarker.Exit exit) {
 *     status = exit.status();
 * }
 * }</pre>
 */
public sealed interface GuestMarker {
    String READY = "JCAP-READY";
    String BUILD_DONE = "JCAP-BUILD-DONE";
    String SUMMARY = "JCAP-SUMMARY";
    String START = "JCAP-START";
    String ERROR = "JCAP-ERROR";
    String EXIT = "JCAP-EXIT";

    /**
     * {@code JCAP-EXIT} ends the application's output on the same console, so it may follow text
     * that did not end with a newline; a status is 0 to 255. The line without a tag: a run's own
     * is {@link ExitLine#pattern}.
     */
    Pattern EXIT_LINE = Pattern.compile("(.*)" + EXIT + " (\\d{1,3})$", Pattern.DOTALL);

    /** Build mode: the target file system is mounted and the guest listens for the stream. */
    record Ready() implements GuestMarker {
    }

    /**
     * Build mode: the summary the guest is about to send over the connection ({@code OK entries=...}),
     * printed on the console too in case the connection loses it.
     */
    record Summary(String reply) implements GuestMarker {
    }

    /** Build mode: the disk is synced, bootable and unmounted; power-off follows. */
    record BuildDone() implements GuestMarker {
    }

    /** Run mode: the application is about to start; every later line is the application's. */
    record Start() implements GuestMarker {
    }

    /** Either mode: the init failed; power-off follows. */
    record Error(String message) implements GuestMarker {
    }

    /** Run mode: the application exited with {@code status}; {@code before} is its unterminated last output. */
    record Exit(String before, int status) implements GuestMarker {
    }

    /**
     * What {@code line} says, or empty for a line of the kernel's or the application's own, with
     * an end line {@link ExitLine#UNTAGGED}: a builder guest's console, or a run of an image
     * whose init takes no exit tag.
     */
    static Optional<GuestMarker> parse(String wholeLine) {
        return parse(wholeLine, ExitLine.UNTAGGED);
    }

    /**
     * What {@code line} says, or empty for a line of the kernel's or the application's own: a
     * {@code JCAP-EXIT} line counts only as {@code end} says (with the run's tag). A carriage
     * return inside the line ends what came before it, as on a terminal: GRUB leaves its cursor
     * mid-line and the kernel's first line then reads {@code "    \rJCAP-START"}.
     */
    static Optional<GuestMarker> parse(String wholeLine, ExitLine end) {
        String line = wholeLine.substring(wholeLine.lastIndexOf('\r') + 1);
        if (line.startsWith(ERROR)) {
            return Optional.of(new Error(line.substring(ERROR.length()).trim()));
        }
        if (line.startsWith(READY)) {
            return Optional.of(new Ready());
        }
        if (line.startsWith(SUMMARY + " ")) {
            return Optional.of(new Summary(line.substring(SUMMARY.length() + 1).trim()));
        }
        if (line.startsWith(BUILD_DONE)) {
            return Optional.of(new BuildDone());
        }
        if (line.startsWith(START)) {
            return Optional.of(new Start());
        }
        // The application's output before the marker is kept whole, carriage returns included.
        return end.match(wholeLine).map(GuestMarker.class::cast);
    }

    /** Whether {@code line} is an {@link Error} or of the given kind: what a wait for {@code kind} stops at. */
    static boolean isErrorOr(Class<? extends GuestMarker> kind, String line) {
        return parse(line).filter(m -> m instanceof Error || kind.isInstance(m)).isPresent();
    }
}
