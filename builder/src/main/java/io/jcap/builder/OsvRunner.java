package io.jcap.builder;

import io.jcap.formats.qcow2.Qcow2Overlay;
import io.jcap.hypervisor.Accelerator;
import io.jcap.hypervisor.DiskFormat;
import io.jcap.hypervisor.Drive;
import io.jcap.hypervisor.PortForward;
import io.jcap.hypervisor.VmException;
import io.jcap.hypervisor.VmSpec;
import io.jcap.hypervisor.qemu.QemuInstallation;
import io.jcap.hypervisor.qemu.QemuVm;
import io.jcap.model.EnvironmentException;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import io.jcap.model.PortMapping;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Boots an OSv image the way OSv expects: the disk as a virtio-blk boot device (from a
 * throw-away overlay), virtio-net on QEMU's user network with the image's forwarded ports,
 * virtio-rng, the serial console, QMP for a clean stop. OSv powers the VM off when the
 * application exits but does not report its exit status, so a run that powers off by itself
 * (QEMU status 0) counts as success, exit code 0; a console line showing that OSv could not start
 * or lost the application, or a QEMU failure, is an error with the console's last lines.
 */
final class OsvRunner {
    /** How long an application may run in the foreground: practically forever; Ctrl-C stops it. */
    private static final Duration FOREVER = Duration.ofDays(3650);

    private final JcapHome home;
    private final EventSink events;

    OsvRunner(JcapHome home, EventSink events) {
        this.home = home;
        this.events = events;
    }

    int run(ImageRepository.StoredImage image, RunRequest request, Consumer<String> output)
            throws JcapException, InterruptedException {
        if (request.boot().equals(Optional.of(BootMode.DIRECT))) {
            throw new JcapException("--boot direct applies to Linux images: OSv image '" + image.metadata().name()
                    + "' boots its disk (OSv's loader is on it)");
        }
        if (request.libvirt().isPresent()) {
            throw new EnvironmentException("the libvirt driver runs Linux images only for now: run OSv image '"
                    + image.metadata().name() + "' with the qemu driver (no --driver libvirt)");
        }
        QemuInstallation qemu = QemuInstallation.detect(home.cache());
        Accelerator accelerator = Accelerators.choose(qemu, home, request.accelerator(), events);
        Path work = TempFiles.register(home.newWorkDir("run-"));
        try {
            Path overlay = work.resolve("overlay.qcow2");
            Qcow2Overlay.create(image.file(), overlay);
            VmSpec spec = spec(image.metadata(), overlay, image.metadata().ports(), accelerator);
            AtomicReference<String> failure = new AtomicReference<>();
            events.info("Booting " + image.metadata().name() + " (OSv, " + accelerator.qemuName() + ")");
            try (QemuVm vm = new QemuVm(qemu, spec).withEvents(events).withConsoleListener(line -> {
                if (CpiodBuilderVm.osvFailure(line)) {
                    failure.compareAndSet(null, line);
                }
                output.accept(line);
            })) {
                vm.start();
                int status = vm.awaitExit(FOREVER);
                if (failure.get() != null) {
                    throw new VmException("the OSv guest failed: " + failure.get().trim(), OptionalInt.of(status),
                            vm.consoleTail());
                }
                if (status != 0) {
                    throw new VmException("QEMU exited with status " + status, OptionalInt.of(status), vm.consoleTail());
                }
                return 0;
            }
        } finally {
            TempFiles.delete(work);
        }
    }

    static VmSpec spec(ImageMetadata metadata, Path disk, List<PortMapping> ports, Accelerator accelerator) {
        PortForward[] forwards = ports.stream().map(p -> new PortForward(PortForward.LOOPBACK, p.host(), p.guest(),
                p.protocol() == PortMapping.Protocol.UDP ? PortForward.Protocol.UDP : PortForward.Protocol.TCP))
                .toArray(PortForward[]::new);
        return VmSpec.builder()
                .accelerator(accelerator)
                .memoryMiB(metadata.memoryMiB())
                .cpus(metadata.cpus())
                .drive(Drive.virtio(disk, DiskFormat.QCOW2).withBootIndex(0))
                .userNetwork(forwards)
                .rng(true)
                .noReboot(true)
                .build();
    }
}
