package io.jcap.model;

/** Process exit codes of jcap, documented in {@code jcap --help}. */
public enum ExitCode {
    /** The command did what was asked. */
    SUCCESS(0),
    /** The command failed: bad input, a failed build, a guest error. */
    FAILURE(1),
    /** The command line itself was wrong. */
    USAGE(2),
    /** The machine lacks something the command needs: a tool, a kernel, a service that does not answer. */
    ENVIRONMENT(3);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
