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

    public ExitCode exitCode() {
        return exitCode;
    }
}
