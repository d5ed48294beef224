package io.jcap.builder.instance;

import io.jcap.hypervisor.qemu.QemuEnding;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * How a detached instance's console log reads, which depends on what runs in the guest: jcap's
 * init on Linux reports the application's start and exit status, OSv reports neither. The kernel
 * family of the instance's image supplies it.
 */
public interface InstanceConsole {
    /**
     * How a guest that is no longer running ended, from its console log and what its QEMU's
     * monitor or libvirt said ({@code ending}: empty when nothing was recorded).
     */
    InstanceStatus ended(Path consoleLog, boolean stoppedByJcap, Optional<QemuEnding> ending);

    /**
     * Whether the guest listens to the power button yet, so that {@code jcap stop} may press it
     * instead of waiting.
     */
    boolean applicationStarted(Path consoleLog);

    /**
     * The application's output among the console's lines, as a foreground run shows it. When the
     * line that starts the application has rotated out of the log
     * ({@link ConsoleFollower#startRotatedAway}), every line is the application's.
     */
    Consumer<String> applicationOutput(Path consoleLog, Consumer<String> lines);

    /**
     * The console line that says the application has ended and the guest is powering off, when
     * the guest prints one: a detached guest still running {@code io.jcap.builder.Instances.POWER_OFF_GRACE}
     * after that line is stopped, as a foreground run's is.
     */
    default Optional<Pattern> applicationEndLine() {
        return Optional.empty();
    }
}
