package io.jcap.builder.instance;

import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * How a detached instance's console log reads, which depends on what runs in the guest: jcap's
 * init on Linux reports the application's start and exit status, OSv reports neither. The kernel
 * family of the instance's image supplies it.
 */
public interface InstanceConsole {
    /** How a guest that is no longer running ended, from its console log. */
    InstanceStatus ended(Path consoleLog, boolean stoppedByJcap);

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
}
