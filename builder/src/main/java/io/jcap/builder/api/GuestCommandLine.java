package io.jcap.builder.api;

import io.jcap.capstanfile.CommandWords;
import java.util.List;

/**
 * The rules every command line a guest starts follows, whether an image's {@code cmdline} or a
 * run's {@code --cmd}: words split as the Capstanfile's are, the first an absolute path inside the
 * image, no word or setting holding a newline or NUL (the guest reads its settings line by line).
 *
 * <pre>{@code
 * GuestCommandLine.words("/app/hello --greeting hi");   // [/app/hello, --greeting, hi]
 * GuestCommandLine.checkEnv("A", "x\ny");   // IllegalArgumentException
 * }</pre>
 */
public final class GuestCommandLine {
    private GuestCommandLine() {
    }

    /** The words of a run's {@code --cmd}, checked as an image's command line is. */
    public static List<String> words(String cmd) {
        List<String> words = CommandWords.split(cmd);
        if (words.isEmpty()) {
            throw new IllegalArgumentException("the command line is empty: say what to run (--cmd \"/app/hello\")");
        }
        check(words);
        return words;
    }

    /** Checks an image's command line, already split into words. */
    public static void check(List<String> argv) {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("the command line is empty: say what the image runs (cmdline: /app/hello)");
        }
        if (!argv.get(0).startsWith("/")) {
            // app/hello means /app/hello, hello perhaps /app/hello: the example follows what was written.
            String word = argv.get(0).replaceFirst("^(\\./)+", "");
            throw new IllegalArgumentException("the command '" + argv.get(0)
                    + "' must be an absolute path inside the image (e.g. " + (word.contains("/") ? "/" : "/app/")
                    + word + ")");
        }
        for (String arg : argv) {
            checkLine("argument", arg);
        }
    }

    /**
     * An environment variable's value, which the guest reads as one line of its settings; the
     * value is not repeated in the error, since variables hold passwords and tokens.
     */
    public static void checkEnv(String name, String value) {
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0 || value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("environment variable " + name + " may not contain a newline or NUL"
                    + " character (its value is not shown)");
        }
    }

    /** A value the guest reads as one line of its settings. */
    public static void checkLine(String what, String value) {
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0 || value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(what + " may not contain a newline or NUL character: "
                    + io.jcap.model.Printable.of(value));
        }
    }
}
