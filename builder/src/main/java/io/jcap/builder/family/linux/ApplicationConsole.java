package io.jcap.builder.family.linux;

import io.jcap.builder.family.RunConsole;
import io.jcap.host.Cleanup;
import io.jcap.hypervisor.VmException;
import io.jcap.model.JcapException;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an image's serial console as the guest init writes it (docs/guest-protocol.md): boot
 * messages until {@code JCAP-START}, then the application's output, then {@code JCAP-EXIT N}.
 * Passes the application's lines on and keeps its exit status, which a run exits with.
 */
final class ApplicationConsole implements RunConsole {
    private static final Pattern EXIT = Pattern.compile("(.*)JCAP-EXIT (\\d+)$");
    private static final String START = ConsoleVerdict.START;
    private static final String ERROR = ConsoleVerdict.ERROR;

    private final Consumer<String> output;
    private final boolean showBoot;
    private volatile boolean started;
    private volatile Integer status;
    private volatile String error;

    ApplicationConsole(Consumer<String> output, boolean showBoot) {
        this.output = output;
        this.showBoot = showBoot;
    }

    @Override
    public void accept(String line) {
        if (status != null) {
            return;
        }
        if (!started) {
            if (line.startsWith(START)) {
                started = true;
            } else if (line.startsWith(ERROR)) {
                error = line.substring(ERROR.length()).trim();
            }
            if (showBoot || line.startsWith(ERROR)) {
                output.accept(line);
            }
            return;
        }
        Matcher exit = EXIT.matcher(line);
        if (exit.matches()) {
            if (!exit.group(1).isEmpty()) {
                output.accept(exit.group(1));
            }
            status = Integer.parseInt(exit.group(2));
            return;
        }
        if (line.startsWith(ERROR)) {
            error = line.substring(ERROR.length()).trim();
        }
        output.accept(line);
    }

    boolean started() {
        return started;
    }

    OptionalInt status() {
        Integer s = status;
        return s == null ? OptionalInt.empty() : OptionalInt.of(s);
    }

    /** The init's last error line, if it printed one. */
    String error() {
        return error;
    }

    /** The status the init reported; without one, why the run failed. */
    @Override
    public int exitStatus(int vmStatus, List<String> consoleTail) throws JcapException {
        OptionalInt reported = status();
        if (reported.isPresent()) {
            return reported.getAsInt();
        }
        if (Cleanup.shuttingDown()) {
            // Ctrl-C: the shutdown hooks stopped the VM; nothing went wrong with the image.
            throw new JcapException("stopped: jcap was interrupted");
        }
        String why = error != null ? "the guest failed: " + error
                : started ? "the image powered off without reporting the application's exit status"
                : "the image stopped before its application started";
        throw new VmException(why, OptionalInt.of(vmStatus), consoleTail);
    }
}
