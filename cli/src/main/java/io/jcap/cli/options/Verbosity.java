package io.jcap.cli.options;

import picocli.CommandLine.Option;

/**
 * The {@code -v, --verbose} option, shared by the commands that show a console (run, build, logs).
 *
 * <pre>{@code
 * @Mixin
 * Verbosity verbosity;
 * ... new ConsoleEvents(err, verbosity.verbose()) ...
 * }</pre>
 */
public final class Verbosity {
    @Option(names = {"-v", "--verbose"},
            description = "Show the whole console, boot messages included, and debug messages.")
    boolean verbose;

    /** Whether {@code -v} was given. */
    public boolean verbose() {
        return verbose;
    }
}
