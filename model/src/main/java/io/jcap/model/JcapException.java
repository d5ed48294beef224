package io.jcap.model;

/**
 * The checked base of every error jcap reports to a user. The message is one line that names
 * what failed, the offending value and what to do; {@link #exitCode()} says how the CLI exits.
 */
public class JcapException extends Exception {
    private final ExitCode exitCode;

    public JcapException(String message) {
        this(message, ExitCode.FAILURE, null);
    }

    public JcapException(String message, Throwable cause) {
        this(message, ExitCode.FAILURE, cause);
    }

    public JcapException(String message, ExitCode exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** A wrong command line (an option's value, a missing option): the CLI exits with {@link ExitCode#USAGE}. */
    public static JcapException usage(String message) {
        return new JcapException(message, ExitCode.USAGE, null);
    }

    /** {@link #usage(String)} with the exception that explains it. */
    public static JcapException usage(String message, Throwable cause) {
        return new JcapException(message, ExitCode.USAGE, cause);
    }

    public ExitCode exitCode() {
        return exitCode;
    }
}
