package io.jcap.cli.options;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Reports a value a converter of this package refused as {@code NAME: what is wrong}, where NAME
 * is the option's first declared name ({@code -p}, {@code --timeout}) or a positional parameter's
 * label ({@code PATH}), instead of picocli's {@code Invalid value for option '--publish' (...)}.
 * Every other usage error goes to picocli's own handler unchanged, which prints the message and
 * the command's usage and returns exit code 2.
 *
 * <pre>{@code
 * cli.setParameterExceptionHandler(new OptionValueErrors(cli.getParameterExceptionHandler()));
 * }</pre>
 */
public final class OptionValueErrors implements CommandLine.IParameterExceptionHandler {
    private final CommandLine.IParameterExceptionHandler picocli;

    /** @param picocli the handler that prints a usage error (picocli's default) */
    public OptionValueErrors(CommandLine.IParameterExceptionHandler picocli) {
        this.picocli = picocli;
    }

    @Override
    public int handleParseException(CommandLine.ParameterException e, String[] args) throws Exception {
        if (e.getCause() instanceof OptionValueException bad && e.getArgSpec() != null) {
            e = new CommandLine.ParameterException(e.getCommandLine(), label(e.getArgSpec()) + ": " + bad.getMessage(),
                    bad, e.getArgSpec(), e.getValue());
        }
        return picocli.handleParseException(e, args);
    }

    /** The name a message about this option or parameter starts with. */
    static String label(ArgSpec arg) {
        return arg instanceof OptionSpec option ? option.names()[0] : arg.paramLabel();
    }
}
