package io.jcap.hypervisor;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The small JVMs that outlive jcap beside a detached guest (the console keeper of a QEMU guest,
 * the console watcher of a libvirt domain): how they are started and found again. Each runs this
 * JVM's {@code java} on the jar (or folder) its main class came from, with a small heap, in a
 * session of its own ({@code setsid}) so that a Ctrl-C in jcap's terminal does not reach it.
 */
public final class HelperJvm {
    private static final List<Path> SETSID = List.of(Path.of("/usr/bin/setsid"), Path.of("/bin/setsid"));

    private HelperJvm() {
    }

    /** {@code setsid java ... -cp JAR MAIN}, to which the caller adds the arguments. */
    public static List<String> command(Class<?> main) throws VmException {
        List<String> command = new ArrayList<>();
        setsid().ifPresent(s -> command.add(s.toString()));
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx16m", "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
                "-cp", classPath(main), main.getName()));
        return command;
    }

    /** The {@code setsid} program, when this machine has one (util-linux). */
    public static Optional<Path> setsid() {
        return SETSID.stream().filter(Files::isExecutable).findFirst();
    }

    /** The helpers running {@code main} whose arguments hold {@code argument} (a guest's console log). */
    public static List<ProcessHandle> running(Class<?> main, String argument) {
        return withArguments(argument, main.getName());
    }

    /** The processes of this machine whose arguments hold each of {@code arguments} (QEMU's by its QMP socket). */
    public static List<ProcessHandle> withArguments(String... arguments) {
        List<String> wanted = List.of(arguments);
        return ProcessHandle.allProcesses().filter(p -> p.info().arguments().map(List::of)
                .map(args -> args.containsAll(wanted)).orElse(false)).toList();
    }

    /** Whether a process of this machine has one of {@code arguments} among its arguments. */
    public static boolean anyWithArgument(String... arguments) {
        List<String> wanted = List.of(arguments);
        return ProcessHandle.allProcesses().anyMatch(p -> p.info().arguments()
                .map(args -> Arrays.stream(args).anyMatch(wanted::contains)).orElse(false));
    }

    /**
     * Waits up to {@code within} for those helpers to end, and with {@code kill} kills those still
     * running then. True when none runs.
     */
    public static boolean awaitEnd(Class<?> main, String argument, Duration within, boolean kill)
            throws InterruptedException {
        List<ProcessHandle> helpers = running(main, argument);
        long deadline = System.nanoTime() + within.toNanos();
        for (ProcessHandle helper : helpers) {
            long left = Math.max(0, deadline - System.nanoTime());
            try {
                helper.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                if (kill) {
                    helper.destroyForcibly();
                    try {
                        helper.onExit().get(1, TimeUnit.SECONDS);
                    } catch (TimeoutException | ExecutionException stillThere) {
                        // Reported below: it still runs.
                    }
                }
            }
        }
        return helpers.stream().noneMatch(ProcessHandle::isAlive);
    }

    /** The jar or class folder that holds {@code main}: a helper needs nothing else. */
    private static String classPath(Class<?> main) throws VmException {
        try {
            return Path.of(main.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            throw new VmException("cannot find the jar of jcap's " + main.getSimpleName() + ": " + e,
                    java.util.OptionalInt.empty(), List.of(), e);
        }
    }
}
