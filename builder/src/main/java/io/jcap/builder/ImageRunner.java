package io.jcap.builder;

import io.jcap.builder.api.JcapHome;
import io.jcap.builder.api.RunRequest;
import io.jcap.builder.family.KernelFamily;
import io.jcap.builder.family.RunConsole;
import io.jcap.builder.family.RunPlan;
import io.jcap.builder.instance.PublishedPorts;
import io.jcap.host.TempFiles;
import io.jcap.hypervisor.Driver;
import io.jcap.hypervisor.PortForward;
import io.jcap.hypervisor.VirtualMachine;
import io.jcap.hypervisor.VmException;
import io.jcap.hypervisor.VmSpec;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * Boots a stored image from a throw-away disk (or, through libvirt, a throw-away copy), passes
 * the application's console output on and returns its exit status. The stored image is never
 * written. The image's kernel family plans the machine and reads the console.
 *
 * <pre>{@code
 * int status = new ImageRunner(home, events).run(RunRequest.of("hello"), System.out::println);
 * }</pre>
 */
public final class ImageRunner {
    /** How long an application may run in the foreground: practically forever; Ctrl-C stops it. */
    private static final Duration FOREVER = Duration.ofDays(3650);
    /**
     * How long the guest may take to power off once its application reported its status: the
     * init's kill, sync and remount take a second or two; a guest stuck longer is stopped.
     */
    private static final Duration POWER_OFF_GRACE = Duration.ofSeconds(30);

    /** The status of an application the guest's kernel killed with SIGKILL (128 + 9). */
    private static final int KILLED = 137;

    private final JcapHome home;
    private final EventSink events;

    public ImageRunner(JcapHome home, EventSink events) {
        this.home = home;
        this.events = events;
    }

    public int run(RunRequest request, Consumer<String> output) throws JcapException, InterruptedException {
        return run(request, output, Optional.empty());
    }

    /**
     * The same with {@code input} passed to the application's console once it started, its end
     * as end of file ({@link ConsoleInput}); {@code input} must be present exactly when the
     * request is {@linkplain RunRequest#interactive() interactive}.
     */
    public int run(RunRequest request, Consumer<String> output, Optional<InputStream> input)
            throws JcapException, InterruptedException {
        if (input.isPresent() != request.interactive()) {
            throw new IllegalArgumentException("input is given exactly for an interactive request");
        }
        RunPlan plan = plan(request);
        KernelFamily family = KernelFamilies.forImage(plan.image().metadata());
        PublishedPorts.check(plan.forwards(), Instances.store(home).list(events));
        Path work = TempFiles.register(home.newWorkDir("run-"));
        try {
            RunConsole console = family.console(output, request.showBoot(), plan);
            try (VirtualMachine vm = machine(plan, work, console, input.isPresent())) {
                events.info("Booting " + plan.image().metadata().name() + " (" + plan.description()
                        + request.libvirt().map(uri -> ", libvirt at " + uri).orElse("") + ")");
                startChecked(vm, plan);
                announcePickedPorts(plan, vm);
                if (input.isPresent()) {
                    OutputStream consoleInput = vm.consoleInput().orElseThrow(
                            () -> new IllegalStateException("the VM was made without console input"));
                    ConsoleInput.start(input.get(), consoleInput, console::applicationStarted,
                            () -> console.applicationEnded() || !vm.isAlive());
                }
                OptionalInt vmStatus = vm.awaitExitOnceFinished(console::applicationEnded, POWER_OFF_GRACE, FOREVER);
                int status;
                try {
                    status = console.exitStatus(vmStatus.orElse(0), vm.consoleTail());
                } catch (VmException e) {
                    // A domain destroyed from outside reads as a power-off without a status otherwise.
                    java.util.Optional<String> end = vm.endedOtherwise();
                    if (end.isEmpty()) {
                        throw e;
                    }
                    throw new VmException(end.get() + " before the application reported its exit status",
                            e.vmExitCode(), e.consoleTail(), e);
                }
                if (status == KILLED && !request.showBoot()) {
                    // The kernel's own line is hidden by the image's quiet command line.
                    events.warn("the application was killed by SIGKILL (status " + KILLED + "): in a guest that is"
                            + " most likely the kernel's out-of-memory killer; give the image more memory (-m, or"
                            + " memory in its Capstanfile); jcap run -v shows the kernel's messages");
                }
                console.exitStatusCaveat().ifPresent(events::warn);
                return status;
            }
        } finally {
            TempFiles.delete(work);
        }
    }

    /**
     * Says where the ports whose host port the start picked are (a pulled image's own ports):
     * nobody could reach them otherwise.
     */
    private void announcePickedPorts(RunPlan plan, VirtualMachine vm) {
        List<PortForward> picked = plan.forwards().stream().filter(PortForward::picksHostPort).toList();
        for (PortForward asked : picked) {
            vm.forwards().stream()
                    .filter(f -> f.guestPort() == asked.guestPort() && f.protocol() == asked.protocol())
                    .findFirst()
                    .ifPresent(f -> events.info("Published " + PublishedPorts.describe(f) + " (a free host port: a"
                            + " pulled image's record does not choose this machine's ports; -p HOST:" + f.guestPort()
                            + " picks one)"));
        }
    }

    /** What a foreground run of the request boots, as the image's kernel family plans it. */
    RunPlan plan(RunRequest request) throws JcapException {
        return KernelFamilies.plan(home, events, request);
    }

    /**
     * The plan's driver boots the image over a throw-away disk, or, when the driver copies disks
     * anyway (libvirt runs QEMU as its own user, and on a remote host the image must travel), from
     * a private copy of the stored image.
     */
    private VirtualMachine machine(RunPlan plan, Path work, RunConsole console, boolean input)
            throws JcapException, InterruptedException {
        Driver driver = plan.driver();
        VmSpec spec = driver.copiesDisks() ? plan.materializeSnapshot(work) : plan.materialize(work);
        var vm = driver.create(spec).withEvents(events).withConsoleListener(console);
        return input ? vm.withConsoleInput() : vm;
    }

    /**
     * Starts the VM; a forwarded port taken since the check, or the image removed since the plan
     * (jcap rmi while the run starts: QEMU then cannot open its disk), reads as that, not as
     * QEMU's own words.
     */
    private static void startChecked(VirtualMachine vm, RunPlan plan) throws JcapException {
        try {
            vm.start();
        } catch (VmException e) {
            if (!java.nio.file.Files.exists(plan.image().file())) {
                throw new JcapException("image '" + plan.image().metadata().name() + "' was removed (jcap rmi)"
                        + " while the run was starting: build or pull it, then run it again", e);
            }
            throw PublishedPorts.takenAtStart(e, plan.forwards()).orElse(e);
        }
    }
}
