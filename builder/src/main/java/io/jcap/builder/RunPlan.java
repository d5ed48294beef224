package io.jcap.builder;

import io.jcap.hypervisor.DiskFormat;
import io.jcap.hypervisor.PortForward;
import io.jcap.hypervisor.libvirt.LibvirtProbe;
import io.jcap.hypervisor.libvirt.LibvirtStatus;
import io.jcap.hypervisor.libvirt.LibvirtUri;
import io.jcap.hypervisor.qemu.Accelerator;
import io.jcap.hypervisor.qemu.Drive;
import io.jcap.hypervisor.qemu.QemuImg;
import io.jcap.hypervisor.qemu.QemuInstallation;
import io.jcap.hypervisor.qemu.VmSpec;
import io.jcap.kernels.Initramfs;
import io.jcap.model.EnvironmentException;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What a run boots, worked out from the request and the image: what foreground runs and detached
 * instances share. {@link #materialize} writes the run's own files (the overlay over the stored
 * image, the settings for the guest) into a folder and gives the machine that boots them;
 * {@link #materializeSnapshot} does the same without the overlay, for the libvirt driver.
 *
 * @param settings the run-time settings file's bytes, when the request has any
 */
record RunPlan(ImageRepository.StoredImage image, QemuInstallation qemu, Accelerator accelerator, int memoryMiB,
        int cpus, List<PortForward> forwards, Optional<byte[]> settings) {
    static final String OVERLAY = "overlay.qcow2";
    static final String SETTINGS = "settings";

    RunPlan {
        forwards = List.copyOf(forwards);
    }

    /** The machine type images run on. */
    static final String RUN_MACHINE = "q35";

    static RunPlan prepare(JcapHome home, RunRequest request, io.jcap.model.EventSink events) throws JcapException {
        ImageRepository.StoredImage image = new ImageRepository(home.images()).get(request.image());
        ImageMetadata m = image.metadata();
        Optional<byte[]> settings = RunSettings.of(request);
        if (settings.isPresent() && m.guestProtocol() < Initramfs.GUEST_PROTOCOL) {
            throw new JcapException("image '" + m.name() + "' was built by an older jcap whose guest init cannot take"
                    + " run-time settings (-e, --cmd): build it again with jcap build");
        }
        List<PortForward> forwards = PublishedPorts.merge(m.ports(), request.ports(), request.publishAddress());
        if (request.libvirt().isPresent()) {
            requireReachable(request.libvirt().get());
        }
        QemuInstallation qemu = QemuInstallation.detect(home.cache());
        Optional<LibvirtUri> remote = request.libvirt().filter(uri -> !uri.isLocal());
        Accelerator accelerator = remote.isPresent()
                ? Accelerators.chooseOn(remote.get(), request.accelerator(), events)
                : Accelerators.choose(qemu, home, request.accelerator(), events);
        return new RunPlan(image, qemu, accelerator, request.memoryMiB().orElse(m.memoryMiB()),
                request.cpus().orElse(m.cpus()), forwards, settings);
    }

    /** A daemon that does not answer is a missing part of the machine (exit 3), found before anything starts. */
    private static void requireReachable(LibvirtUri uri) throws EnvironmentException {
        LibvirtStatus status = LibvirtProbe.probe(uri);
        if (!status.reachable()) {
            throw new EnvironmentException("cannot connect to libvirt at " + uri + ": " + status.problem().orElseThrow()
                    + status.hint().map(h -> "; " + h).orElse(""));
        }
    }

    /** Creates {@code overlay.qcow2} (and {@code settings}) in {@code dir}; the stored image is only read. */
    VmSpec materialize(Path dir) throws JcapException {
        Path overlay = dir.resolve(OVERLAY);
        new QemuImg(qemu.qemuImg()).createOverlay(image.file(), overlay);
        return spec(Drive.virtio(overlay, DiskFormat.QCOW2), dir);
    }

    /**
     * The machine with the stored image itself as a snapshot drive, and {@code settings} in
     * {@code dir}: for the libvirt driver, which copies the disk for QEMU's user and cannot take an
     * overlay whose backing file would stay behind. The copy is dropped after the run, the stored
     * image is only read.
     */
    VmSpec materializeSnapshot(Path dir) throws JcapException {
        return spec(Drive.virtio(image.file(), DiskFormat.QCOW2).asSnapshot(), dir);
    }

    private VmSpec spec(Drive root, Path dir) throws JcapException {
        // q35 rather than pc: its PCI Express devices take MSI-X interrupts, so the guest skips
        // pc's ACPI interrupt-link routing (~90 ms per virtio device under emulation); the init's
        // module loading drops from ~0.43 s to ~0.16 s (docs/benchmarks.md).
        VmSpec.Builder spec = VmSpec.builder()
                .machine(RUN_MACHINE)
                .accelerator(accelerator)
                .memoryMiB(memoryMiB)
                .cpus(cpus)
                .drive(root.withBootIndex(0))
                .userNetwork(forwards.toArray(PortForward[]::new))
                .rng(true)
                .noReboot(true);
        if (settings.isPresent()) {
            Path file = dir.resolve(SETTINGS);
            try {
                Files.write(file, settings.get());
            } catch (IOException e) {
                throw new JcapException("cannot write the run's settings to " + file + ": " + e.getMessage(), e);
            }
            spec.firmwareFile(RunSettings.firmwareFile(file));
        }
        return spec.build();
    }
}
