package io.jcap.hypervisor.qemu;

import io.jcap.host.Cleanup;
import io.jcap.hypervisor.Durations;
import io.jcap.hypervisor.GuestEndWatch;
import io.jcap.hypervisor.HelperJvm;
import io.jcap.hypervisor.VmException;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
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
 * Starts a {@link ConsoleLogKeeper} process for a detached guest and waits until it listens (a
 * {@link HelperJvm}); its complaints go to the guest's {@code qemu.log}.
 */
final class ConsoleKeeperProcess {
    private ConsoleKeeperProcess() {
    }

    static Process start(DetachedQemu.GuestFiles files, long limit, Optional<GuestEndWatch> endWatch,
            Duration timeout) throws VmException {
        List<String> command = new ArrayList<>(HelperJvm.command(ConsoleLogKeeper.class));
        command.addAll(List.of(files.consoleSocket().toString(), files.consoleLog().toString(), Long.toString(limit),
                files.eventsSocket().toString(), files.ending().toString()));
        endWatch.ifPresent(w -> command.addAll(List.of(files.pidFile().toString(), Long.toString(w.grace().toMillis()))));
        Process keeper;
        try {
            // One step for jcap's shutdown hook, which finds the keeper by its command line: a
            // Ctrl-C while it is forked but not yet exec'd waits until it can be found.
            ProcessBuilder builder = new ProcessBuilder(command).directory(files.consoleLog().getParent().toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectError(ProcessBuilder.Redirect.appendTo(files.qemuLog().toFile()));
            endWatch.ifPresent(w -> w.pass(builder));
            keeper = Cleanup.making(builder::start);
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
}
