package io.jcap.cli.options;

import java.io.PrintWriter;
import java.util.Map;
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
        String capstan = capstanCommand(e);
        if (capstan != null) {
            err.println(capstan);
        } else if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, err)) {
            CommandLine.Help help = command.getHelp();
            err.print(help.synopsisHeading() + help.synopsis(help.synopsisHeadingLength()));
        }
        err.println("See '" + command.getCommandSpec().qualifiedName() + " --help'.");
        err.flush();
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** Capstan's commands that jcap has under another name or does another way, and what to use. */
    private static final Map<String, String> CAPSTAN = Map.of(
            "package", "'jcap build DIR' builds a Capstan package folder (meta/) as 'capstan package compose' does",
            "compose", "'jcap build DIR' builds a Capstan package folder (meta/) as 'capstan package compose' does",
            "instances", "'jcap ps' lists the running instances",
            "delete", "'jcap rm NAME' removes an instance, 'jcap rmi IMAGE' an image",
            "import", "'jcap kernels import FILE' imports an OSv loader; 'jcap build' makes images",
            "runtime", "'jcap init --runtime RUNTIME DIR' writes a commented Capstanfile",
            "info", "'jcap images' lists the images with their sizes and kernels");

    /**
     * What to use instead when the first word is one of Capstan's commands that jcap has not
     * (a Capstan user's habit): picocli's nearest match ("Did you mean: jcap images?") misleads there.
     */
    private static String capstanCommand(CommandLine.ParameterException e) {
        if (!(e instanceof CommandLine.UnmatchedArgumentException unmatched) || e.getCommandLine().getParent() != null
                || unmatched.getUnmatched().isEmpty()) {
            return null;
        }
        String word = unmatched.getUnmatched().get(0);
        String instead = CAPSTAN.get(word);
        return instead == null ? null : "'" + word + "' is a Capstan command; in jcap, " + instead + ".";
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
