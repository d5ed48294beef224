package io.jcap.hypervisor.qemu;

import io.jcap.hypervisor.Durations;
import io.jcap.hypervisor.VmException;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Starts a {@link ConsoleLogKeeper} process for a detached guest and waits until it listens. It
 * runs on this JVM's {@code java} from the jar (or folder) this class came from, with a small
 * heap, in a session of its own ({@code setsid}) so that a Ctrl-C in jcap's terminal does not
 * reach it; its complaints go to the guest's {@code qemu.log}.
 */
final class ConsoleKeeperProcess {
    private static final List<Path> SETSID = List.of(Path.of("/usr/bin/setsid"), Path.of("/bin/setsid"));

    private ConsoleKeeperProcess() {
    }

    static Process start(DetachedQemu.GuestFiles files, long limit, Optional<ConsoleLogKeeper.EndWatch> endWatch,
            Duration timeout) throws VmException {
        List<String> command = new ArrayList<>();
        SETSID.stream().filter(Files::isExecutable).findFirst().ifPresent(s -> command.add(s.toString()));
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx16m", "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
                "-cp", classPath(), ConsoleLogKeeper.class.getName(),
                files.consoleSocket().toString(), files.consoleLog().toString(), Long.toString(limit)));
        endWatch.ifPresent(w -> command.addAll(List.of(files.pidFile().toString(), w.endLine().pattern(),
                Long.toString(w.grace().toMillis()))));
        Process keeper;
        try {
            keeper = new ProcessBuilder(command).directory(files.consoleLog().getParent().toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectError(ProcessBuilder.Redirect.appendTo(files.qemuLog().toFile()))
                    .start();
        } catch (IOException e) {
            throw new VmException("cannot start the console log keeper: " + e.getMessage(), OptionalInt.empty(),
                    List.of(), e);
        }
        CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(keeper.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line = out.readLine();
                return line == null ? "" : line;
            } catch (IOException e) {
                return "";
            }
        });
        try {
            if (ConsoleLogKeeper.READY.equals(ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS))) {
                return keeper;
            }
            keeper.waitFor(1, TimeUnit.SECONDS);
            keeper.destroyForcibly();
            throw new VmException("the console log keeper did not start" + (keeper.isAlive() ? "" : " (exit code "
                    + keeper.exitValue() + ")") + "; see " + files.qemuLog(), OptionalInt.empty(), List.of());
        } catch (TimeoutException | ExecutionException e) {
            keeper.destroyForcibly();
            throw new VmException("the console log keeper did not listen within " + Durations.human(timeout)
                    + "; see " + files.qemuLog(), OptionalInt.empty(), List.of(), e);
        } catch (InterruptedException e) {
            keeper.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new VmException("interrupted while starting the console log keeper", OptionalInt.empty(), List.of(), e);
        }
    }

    /**
     * Waits up to {@code within} for the keepers of {@code consoleLog} (found by their command
     * line) to end, and with {@code kill} kills those still running then. True when none runs.
     */
    static boolean awaitEnd(Path consoleLog, Duration within, boolean kill) throws InterruptedException {
        List<ProcessHandle> keepers = running(consoleLog);
        long deadline = System.nanoTime() + within.toNanos();
        for (ProcessHandle keeper : keepers) {
            long left = Math.max(0, deadline - System.nanoTime());
            try {
                keeper.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                if (kill) {
                    keeper.destroyForcibly();
                    try {
                        keeper.onExit().get(1, TimeUnit.SECONDS);
                    } catch (TimeoutException | ExecutionException stillThere) {
                        // Reported below: it still runs.
                    }
                }
            }
        }
        return keepers.stream().noneMatch(ProcessHandle::isAlive);
    }

    /** The keeper processes writing {@code consoleLog}: their arguments name this class and the log. */
    static List<ProcessHandle> running(Path consoleLog) {
        String main = ConsoleLogKeeper.class.getName();
        String log = consoleLog.toString();
        return ProcessHandle.allProcesses().filter(p -> p.info().arguments().map(List::of)
                .map(args -> args.contains(main) && args.contains(log)).orElse(false)).toList();
    }

    /** The jar or class folder that holds the keeper: it needs nothing else. */
    private static String classPath() throws VmException {
        try {
            return Path.of(ConsoleLogKeeper.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            throw new VmException("cannot find the jar of jcap's console log keeper: " + e, OptionalInt.empty(),
                    List.of(), e);
        }
    }
}
