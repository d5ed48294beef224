package io.jcap.cli.options;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * How jcap reports a usage error (exit code 2): the message, then the command's synopsis and
 * where its help is, as git and docker do, rather than picocli's whole usage help
 * (seventy lines for {@code jcap run}, which pushed the message off the screen):
 *
 * <pre>
 * -p: host port 70000 is outside 1..65535
 * Usage: jcap run [-dhvV] [--insecure] ... IMAGE
 * See 'jcap run --help'.
 * </pre>
 *
 * A value a converter of this package refused reads {@code NAME: what is wrong}, where NAME is the
 * option's first declared name ({@code -p}, {@code --timeout}) or a positional parameter's label
 * ({@code PATH}), instead of picocli's {@code Invalid value for option '--publish' (...)}. Other
 * messages are picocli's; a mistyped option or subcommand gets picocli's "Did you mean" instead of
 * the synopsis.
 *
 * <pre>{@code
 * cli.setParameterExceptionHandler(new UsageErrors());
 * }</pre>
 */
public final class UsageErrors implements CommandLine.IParameterExceptionHandler {
    @Override
    public int handleParseException(CommandLine.ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        err.println(message(e));
        if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, err)) {
            CommandLine.Help help = command.getHelp();
            err.print(help.synopsisHeading() + help.synopsis(help.synopsisHeadingLength()));
        }
        err.println("See '" + command.getCommandSpec().qualifiedName() + " --help'.");
        err.flush();
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }

    private static String message(CommandLine.ParameterException e) {
        if (e.getCause() instanceof OptionValueException bad && e.getArgSpec() != null) {
            return label(e.getArgSpec()) + ": " + bad.getMessage();
        }
        return e.getMessage();
    }

    /** The name a message about this option or parameter starts with. */
    static String label(ArgSpec arg) {
        return arg instanceof OptionSpec option ? option.names()[0] : arg.paramLabel();
    }
}
