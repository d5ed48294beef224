package io.jcap.hypervisor;

import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A running guest, whatever the hypervisor. Start it, wait for a console line or its exit with
 * a bound on every wait, and close it: close stops the guest (gracefully first) and removes
 * everything it left behind.
 *
 * <pre>{@code
 * try (VirtualMachine vm = ...) {
 *     vm.start();
 *     vm.awaitLine(Pattern.compile("^JCAP-READY port=\\d+"), Duration.ofSeconds(60));
 *     int status = vm.awaitExit(Duration.ofMinutes(5));
 * }
 * }</pre>
 *
 * <p>A wait that runs out stops the guest: a guest that missed its deadline is stuck.
 */
public interface VirtualMachine extends AutoCloseable {
    void start() throws VmException;

    boolean isAlive();

    /**
     * Waits for a console line that contains a match of {@code pattern}, after the line the
     * previous wait returned, and returns it.
     */
    default String awaitLine(Pattern pattern, Duration timeout) throws VmException {
        return awaitLine("a line matching /" + pattern.pattern() + "/", line -> pattern.matcher(line).find(), timeout);
    }

    default String awaitLine(Predicate<String> matcher, Duration timeout) throws VmException {
        return awaitLine("the awaited line", matcher, timeout);
    }

    /** As {@link #awaitLine(Pattern, Duration)}; {@code description} names the line in errors. */
    String awaitLine(String description, Predicate<String> matcher, Duration timeout) throws VmException;

    /** Waits until the hypervisor process exits and returns its exit code. */
    int awaitExit(Duration timeout) throws VmException;

    /**
     * Waits for the guest to end, for as long as {@code timeout}; but once {@code finished} says
     * the guest's work is done (its data synced, its application's status reported), for at most
     * {@code grace} more: a guest stuck on its way to power off (a kernel that locks up in its
     * shutdown has been seen under TCG) is then stopped, as its results are already in. Empty
     * when it had to be stopped that way.
     */
    OptionalInt awaitExitOnceFinished(BooleanSupplier finished, Duration grace, Duration timeout)
            throws VmException;

    /** The last console lines, oldest first. */
    List<String> consoleTail();

    /** The forwards in effect once started, with the host ports chosen for those that asked for any (port 0). */
    List<PortForward> forwards();

    /**
     * How the guest ended, in its hypervisor's words, when that was otherwise than by powering
     * itself off and the hypervisor says more than an exit status ("the domain was destroyed
     * (libvirt)"); empty for a QEMU process, whose status is all there is.
     */
    default java.util.Optional<String> endedOtherwise() {
        return java.util.Optional.empty();
    }

    /** Stops the guest if it runs and removes its temporary files; calling it again does nothing. */
    /**
     * Where bytes for the guest's serial console go, once started, when the VM was made with
     * {@link GuestLifecycle#withConsoleInput()}; empty otherwise or for a driver that passes none.
     */
    default java.util.Optional<java.io.OutputStream> consoleInput() {
        return java.util.Optional.empty();
    }

    @Override
    void close();
}
