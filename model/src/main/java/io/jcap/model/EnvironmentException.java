package io.jcap.model;

/** The machine lacks something a command needs (a tool, a kernel, a device); exit code 3. */
public class EnvironmentException extends JcapException {
    public EnvironmentException(String message) {
        super(message, ExitCode.ENVIRONMENT, null);
    }

    public EnvironmentException(String message, Throwable cause) {
        super(message, ExitCode.ENVIRONMENT, cause);
    }
}
