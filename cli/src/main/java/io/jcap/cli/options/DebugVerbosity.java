package io.jcap.cli.options;

import picocli.CommandLine.Option;

/**
 * The {@code -v, --verbose} option of the commands that boot nothing (push, pull, login): debug
 * messages only. {@link Verbosity} is the option of those that show a console.
 */
public final class DebugVerbosity {
    @Option(names = {"-v", "--verbose"},
            description = "Show debug messages too (the endpoints and registries used, the choices made).")
    boolean verbose;

    /** Whether {@code -v} was given. */
    public boolean verbose() {
        return verbose;
    }
}
