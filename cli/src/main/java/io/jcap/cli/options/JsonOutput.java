package io.jcap.cli.options;

import picocli.CommandLine.Option;

/**
 * The {@code --json} option of the commands that list things (images, ps): JSON on standard
 * output instead of a table, for scripts.
 *
 * <pre>{@code
 * @Mixin
 * JsonOutput output;
 * if (output.json()) { ... }
 * }</pre>
 */
public final class JsonOutput {
    @Option(names = "--json",
            description = "Print the list as JSON, with more fields (such as file paths).")
    boolean json;

    /** Whether {@code --json} was given. */
    public boolean json() {
        return json;
    }
}
