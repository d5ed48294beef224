package io.jcap.cli.options;

import picocli.CommandLine;

/**
 * A bad option value, told in words that need only the option's name in front:
 * {@code host port 70000 is outside 1..65535} becomes {@code -p: host port 70000 is outside 1..65535}.
 * {@link UsageErrors} puts the name there, so one converter serves every option of its type.
 *
 * <pre>{@code
 * throw new OptionValueException("'" + text + "' is not a boot mode: use direct or disk");
 * }</pre>
 */
public final class OptionValueException extends CommandLine.TypeConversionException {
    private static final long serialVersionUID = 1L;

    public OptionValueException(String message) {
        super(message);
    }
}
