package io.jcap.builder.family.osv;

import io.jcap.builder.api.BootMode;
import io.jcap.builder.api.JcapHome;
import io.jcap.builder.api.RunRequest;
import io.jcap.builder.family.RunPlan;
import io.jcap.builder.instance.PublishedPorts;
import io.jcap.builder.repository.ImageMetadata;
import io.jcap.builder.repository.ImageRepository;
import io.jcap.formats.DiskFormat;
import io.jcap.formats.qcow2.Qcow2Overlay;
import io.jcap.hypervisor.Accelerator;
import io.jcap.hypervisor.Drive;
import io.jcap.hypervisor.PortForward;
import io.jcap.hypervisor.VmSpec;
import io.jcap.hypervisor.qemu.QemuImg;
import io.jcap.hypervisor.qemu.QemuInstallation;
import io.jcap.kernels.osv.OsvDisk;
import io.jcap.model.EnvironmentException;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * How an OSv image runs, the way OSv expects: QEMU's default machine, the disk as a virtio-blk
 * boot device, virtio-net on QEMU's user network with the published ports, virtio-rng, the serial
 * console, no reboot. No fw_cfg settings (OSv has no jcap init to read them): a run's {@code -e}
 * and {@code --cmd} change the command line OSv reads from byte 512 of the disk, so such a run
 * boots a private raw copy of the image with its own command line instead of an overlay.
 *
 * @param cmdline the run's command line when it differs from the image's; empty to boot the image's
 */
record OsvRunPlan(ImageRepository.StoredImage image, QemuInstallation qemu, Accelerator accelerator, int memoryMiB,
        int cpus, List<PortForward> forwards, Optional<String> cmdline) implements RunPlan.Machine {
    static final String OVERLAY = "overlay.qcow2";
    /** The private copy of a run whose command line differs from the image's. */
    static final String COPY = "disk.raw";

    OsvRunPlan {
        forwards = List.copyOf(forwards);
    }

    /** The plan of a run of {@code image}; refuses what OSv images cannot do before anything starts. */
    static RunPlan prepare(JcapHome home, ImageRepository.StoredImage image, RunRequest request, EventSink events)
            throws JcapException {
        ImageMetadata m = image.metadata();
        if (request.boot().equals(Optional.of(BootMode.DIRECT))) {
            throw new JcapException("--boot direct applies to Linux images: OSv image '" + m.name()
                    + "' boots its disk (OSv's loader is on it)");
        }
        if (request.libvirt().isPresent()) {
            throw new EnvironmentException("the libvirt driver runs Linux images only for now: run OSv image '"
                    + m.name() + "' with the qemu driver (no --driver libvirt)");
        }
        Optional<String> cmdline = Optional.empty();
        if (request.hasRunSettings() || request.configSet().isPresent()) {
            String line = OsvCommandLine.forRun(m.cmdline(request.configSet()), request.env(), request.cmd());
            OsvDisk.cmdlineArea(line);
            cmdline = Optional.of(line);
        }
        List<PortForward> forwards = PublishedPorts.merge(m.ports(), request.ports(), request.publishAddress());
        RunPlan.Host host = RunPlan.Host.of(RunPlan.driverFor(home, request), home, request, events);
        Accelerator accelerator = host.accelerator();
        OsvRunPlan plan = new OsvRunPlan(image, host.qemu(), accelerator, request.memoryMiB().orElse(m.memoryMiB()),
                request.cpus().orElse(m.cpus()), forwards, cmdline);
        return new RunPlan(image, host.driver(), host.qemu(), accelerator, plan.memoryMiB(), plan.cpus(), forwards,
                "OSv, " + accelerator.qemuName(), plan);
    }

    /** An overlay over the stored image, or a raw copy of it with the run's command line. */
    @Override
    public VmSpec in(Path dir) throws JcapException, InterruptedException {
        if (cmdline.isPresent()) {
            Path copy = dir.resolve(COPY);
            new QemuImg(qemu.qemuImg()).convert(image.file(), DiskFormat.QCOW2, copy, DiskFormat.RAW, false);
            OsvDisk.writeCmdline(copy, cmdline.get());
            return spec(Drive.virtio(copy, DiskFormat.RAW));
        }
        Path overlay = dir.resolve(OVERLAY);
        Qcow2Overlay.create(image.file(), overlay);
        return spec(Drive.virtio(overlay, DiskFormat.QCOW2));
    }

    /** The stored image as a snapshot drive; a run with its own command line needs its copy all the same. */
    @Override
    public VmSpec snapshotIn(Path dir) throws JcapException, InterruptedException {
        return cmdline.isPresent() ? in(dir) : spec(Drive.virtio(image.file(), DiskFormat.QCOW2).asSnapshot());
    }

    VmSpec spec(Drive disk) {
        return VmSpec.builder()
                .accelerator(accelerator)
                .memoryMiB(memoryMiB)
                .cpus(cpus)
                .drive(disk.withBootIndex(0))
                .userNetwork(forwards.toArray(PortForward[]::new))
                .rng(true)
                .noReboot(true)
                .build();
    }
}
