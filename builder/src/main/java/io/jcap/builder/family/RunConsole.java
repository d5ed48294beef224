package io.jcap.builder.family;

import io.jcap.model.JcapException;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The console of one foreground run, as its kernel family reads it: it takes every console line,
 * passes the application's output on, and once the VM ended says what {@code jcap run} exits
 * with, or throws with why the run failed.
 */
public interface RunConsole extends Consumer<String> {
    /**
     * The application's exit status.
     *
     * @param vmStatus how the VM process ended
     * @param consoleTail the console's last lines, for an error
     * @throws JcapException when the guest failed or ended without a status
     */
    int exitStatus(int vmStatus, List<String> consoleTail) throws JcapException;

    /**
     * Whether the guest reported that its application ended, so that only its power off is left
     * (then a run stops a guest that does not get there). False where the family reports nothing.
     */
    default boolean applicationEnded() {
        return false;
    }

    /**
     * Whether the application has started, so that input for it may go to the console (before,
     * the guest's boot would see it); true where the console does not say.
     */
    default boolean applicationStarted() {
        return true;
    }

    /**
     * What the user should know of the status {@link #exitStatus} gave, once it is given: a status
     * the guest could not report. Empty where there is nothing to say.
     */
    default Optional<String> exitStatusCaveat() {
        return Optional.empty();
    }
}
