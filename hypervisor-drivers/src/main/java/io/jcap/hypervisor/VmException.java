package io.jcap.hypervisor;

import io.jcap.model.JcapException;
import java.util.List;
import java.util.OptionalInt;

/**
 * A virtual machine failed: it did not start, exited too early, or a wait ran out. Carries the
 * hypervisor's exit code when the process ended by itself, and the last console lines.
 *
 * <p>The message is the summary followed by the last {@value #TAIL_IN_MESSAGE} console lines,
 * indented, so a user sees what the guest printed before it went wrong:
 *
 * <pre>
 * QEMU exited with code 1 before the console showed a line matching /JCAP-READY/
 *     JCAP-ERROR mkfs failed
 * </pre>
 */
public class VmException extends JcapException {
    /** How many console lines the message shows. */
    public static final int TAIL_IN_MESSAGE = 15;

    private final String summary;
    private final OptionalInt vmExitCode;
    private final List<String> consoleTail;

    public VmException(String summary, OptionalInt vmExitCode, List<String> consoleTail) {
        this(summary, vmExitCode, consoleTail, null);
    }

    public VmException(String summary, OptionalInt vmExitCode, List<String> consoleTail, Throwable cause) {
        super(compose(summary, consoleTail), cause);
        this.summary = summary;
        this.vmExitCode = vmExitCode;
        this.consoleTail = List.copyOf(consoleTail);
    }

    /** The first line of the message, without the console tail. */
    public String summary() {
        return summary;
    }

    /**
     * The exit code of the hypervisor process (not jcap's, that is {@link #exitCode()}), present
     * only when the process ended by itself.
     */
    public OptionalInt vmExitCode() {
        return vmExitCode;
    }

    /** The last console lines kept when the failure happened (all of them, not just 15). */
    public List<String> consoleTail() {
        return consoleTail;
    }

    private static String compose(String summary, List<String> tail) {
        if (tail.isEmpty()) {
            return summary + " (the console was empty)";
        }
        StringBuilder message = new StringBuilder(summary).append("; last console lines:");
        for (String line : tail.subList(Math.max(0, tail.size() - TAIL_IN_MESSAGE), tail.size())) {
            message.append("\n    ").append(line);
        }
        return message.toString();
    }
}
