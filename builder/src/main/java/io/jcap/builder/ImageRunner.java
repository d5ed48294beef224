package io.jcap.builder;

import io.jcap.hypervisor.VmException;
import io.jcap.hypervisor.qemu.QemuVm;
import io.jcap.hypervisor.qemu.VmSpec;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * Boots a stored image from a throw-away overlay, passes the application's console output on and
 * returns its exit status. The stored image is never written.
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
        RunPlan plan = RunPlan.prepare(home, request, events);
        PublishedPorts.check(plan.forwards(), new InstanceStore(home.instances()).list(events));
        Path work = TempFiles.register(home.newWorkDir("run-"));
        try {
            VmSpec spec = plan.materialize(work);
            ApplicationConsole console = new ApplicationConsole(output, request.showBoot());
            events.info("Booting " + plan.image().metadata().name() + " (" + plan.accelerator().qemuName() + ")");
            try (QemuVm vm = new QemuVm(plan.qemu(), spec).withEvents(events).withConsoleListener(console)) {
                startChecked(vm, plan);
                int qemuStatus = vm.awaitExit(FOREVER);
                OptionalInt status = console.status();
                if (status.isPresent()) {
                    return status.getAsInt();
                }
                String why = console.error() != null ? "the guest failed: " + console.error()
                        : console.started() ? "the image powered off without reporting the application's exit status"
                        : "the image stopped before its application started";
                throw new VmException(why, OptionalInt.of(qemuStatus), vm.consoleTail());
            }
        } finally {
            TempFiles.delete(work);
        }
    }

    /** Starts the VM; a forwarded port taken since the check reads as that, not as QEMU's own words. */
    private static void startChecked(QemuVm vm, RunPlan plan) throws JcapException {
        try {
            vm.start();
        } catch (VmException e) {
            throw PublishedPorts.takenAtStart(e, plan.forwards()).orElse(e);
        }
    }
}
