package io.jcap.builder;

import io.jcap.hypervisor.Driver;
import io.jcap.hypervisor.VirtualMachine;
import io.jcap.hypervisor.VmException;
import io.jcap.hypervisor.VmSpec;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * Boots a stored image from a throw-away overlay (or, through libvirt, a throw-away copy), passes
 * the application's console output on and returns its exit status. The stored image is never
 * written.
 *
 * <pre>{@code
 * int status = new ImageRunner(home, events).run(RunRequest.of("hello"), System.out::println);
 * }</pre>
 */
public final class ImageRunner {
    /** How long an application may run in the foreground: practically forever; Ctrl-C stops it. */
    private static final Duration FOREVER = Duration.ofDays(3650);

    private final JcapHome home;
    private final EventSink events;

    public ImageRunner(JcapHome home, EventSink events) {
        this.home = home;
        this.events = events;
    }

    public int run(RunRequest request, Consumer<String> output) throws JcapException, InterruptedException {
        ImageRepository.StoredImage image = new ImageRepository(home.images()).get(request.image());
        return KernelFamilies.forImage(image.metadata()).run(home, events, image, request, output);
    }

    /** Boots a Linux image ({@link LinuxFamily}): the exit status comes from the init's JCAP-EXIT line. */
    int runLinux(ImageRepository.StoredImage image, RunRequest request, Consumer<String> output)
            throws JcapException, InterruptedException {
        RunPlan plan = RunPlan.prepare(home, image, request, events);
        PublishedPorts.check(plan.forwards(), new InstanceStore(home.instances()).list(events));
        Path work = TempFiles.register(home.newWorkDir("run-"));
        try {
            ApplicationConsole console = new ApplicationConsole(output, request.showBoot());
            try (VirtualMachine vm = machine(plan, work, console)) {
                events.info("Booting " + plan.image().metadata().name() + " (" + plan.accelerator().qemuName()
                        + ", " + plan.bootLabel() + request.libvirt().map(uri -> ", libvirt at " + uri).orElse("") + ")");
                startChecked(vm, plan);
                int vmStatus = vm.awaitExit(FOREVER);
                OptionalInt status = console.status();
                if (status.isPresent()) {
                    return status.getAsInt();
                }
                if (TempFiles.shuttingDown()) {
                    // Ctrl-C: the shutdown hooks stopped the VM; nothing went wrong with the image.
                    throw new JcapException("stopped: jcap was interrupted");
                }
                String why = console.error() != null ? "the guest failed: " + console.error()
                        : console.started() ? "the image powered off without reporting the application's exit status"
                        : "the image stopped before its application started";
                throw new VmException(why, OptionalInt.of(vmStatus), vm.consoleTail());
            }
        } finally {
            TempFiles.delete(work);
        }
    }

    /**
     * The plan's driver boots the image over a throw-away overlay, or, when the driver copies disks
     * anyway (libvirt runs QEMU as its own user, and on a remote host the image must travel), from
     * a private copy of the stored image.
     */
    private VirtualMachine machine(RunPlan plan, Path work, ApplicationConsole console)
            throws JcapException, InterruptedException {
        Driver driver = plan.driver();
        VmSpec spec = driver.copiesDisks() ? plan.materializeSnapshot(work) : plan.materialize(work);
        return driver.create(spec).withEvents(events).withConsoleListener(console);
    }

    /** Starts the VM; a forwarded port taken since the check reads as that, not as QEMU's own words. */
    private static void startChecked(VirtualMachine vm, RunPlan plan) throws JcapException {
        try {
            vm.start();
        } catch (VmException e) {
            throw PublishedPorts.takenAtStart(e, plan.forwards()).orElse(e);
        }
    }
}
