package io.jcap.cli.options;

import picocli.CommandLine.Option;

/**
 * How the commands that list things (images, ps) print them: a table, or for scripts JSON
 * ({@code --json}) or the names alone ({@code -q}, as {@code docker ps -q}).
 *
 * <pre>{@code
 * @Mixin
 * ListOutput output;
 * if (output.json()) { ... } else if (output.quiet()) { ... }
 * }</pre>
 */
public final class ListOutput {
    @Option(names = "--json",
            description = "Print the list as JSON, with more fields (such as file paths).")
    boolean json;

    @Option(names = {"-q", "--quiet"},
            description = "Print the names only, one a line (jcap rm -f $(jcap ps -q)).")
    boolean quiet;

    /** Whether {@code --json} was given. */
    public boolean json() {
        return json;
    }

    /** Whether {@code -q} was given (and not {@code --json}, which the caller refuses beside it). */
    public boolean quiet() {
        return quiet;
    }

    /** Refuses {@code --json} with {@code -q}: they are two forms of the same list. */
    public void check(picocli.CommandLine commandLine) {
        if (json && quiet) {
            throw new picocli.CommandLine.ParameterException(commandLine, "--json and -q do not go together: pick one");
        }
    }
}
