package io.jcap.builder.family.osv;

import io.jcap.builder.api.BootMode;
import io.jcap.builder.api.JcapHome;
import io.jcap.builder.api.RunRequest;
import io.jcap.builder.family.BootFileCheck;
import io.jcap.builder.family.RunPlan;
import io.jcap.builder.instance.PublishedPorts;
import io.jcap.builder.repository.ImageMetadata;
import io.jcap.builder.repository.ImageRepository;
import io.jcap.builder.repository.ImageOrigin;
import io.jcap.formats.DiskFormat;
import io.jcap.formats.qcow2.Qcow2Overlay;
import io.jcap.hypervisor.Accelerator;
import io.jcap.hypervisor.Drive;
import io.jcap.hypervisor.Driver;
import io.jcap.hypervisor.PortForward;
import io.jcap.hypervisor.VmSpec;
import io.jcap.hypervisor.qemu.QemuImg;
import io.jcap.hypervisor.qemu.QemuInstallation;
import io.jcap.kernels.osv.OsvDisk;
import io.jcap.kernels.osv.OsvKernelElf;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * How an OSv image runs, the way OSv expects: QEMU's default machine, the disk as a virtio-blk
 * device, virtio-net on QEMU's user network with the published ports, virtio-rng, the serial
 * console, no reboot. The run's own disk is always a fresh overlay over the stored image.
 *
 * <p>Direct boot (the default when the image keeps OSv's kernel beside its disk,
 * {@link OsvDirectBoot}): QEMU loads the kernel and hands it the run's command line. Disk boot
 * ({@code --boot disk}, or an image without the kernel): OSv reads its command line from byte 512
 * of the disk, so a run whose line differs from the stored one gets an overlay carrying its own
 * first cluster with that line ({@link QemuImg#createOverlay(Path, DiskFormat, Path, int, byte[])}).
 *
 * <p>The run's line is the stored one with the run's {@code -e} variables and {@code --cmd}
 * ({@link OsvCommandLine#forRun}), and, when the kernel supports them, the options that make OSv
 * print the application's return code ({@link OsvKernelElf#EXIT_TRACE_OPTIONS}), which
 * {@link OsvConsole} turns into {@code jcap run}'s exit status.
 *
 * @param cmdline the run's command line
 * @param direct the kernel to boot directly; empty for a disk boot
 */
record OsvRunPlan(ImageRepository.StoredImage image, QemuInstallation qemu, Accelerator accelerator, int memoryMiB,
        int cpus, List<PortForward> forwards, String cmdline, Optional<OsvDirectBoot> direct)
        implements RunPlan.Machine {
    static final String OVERLAY = "overlay.qcow2";
    /** A disk boot's own copy of the image, for the libvirt driver ({@link #snapshotIn}). */
    static final String FLAT = "disk.qcow2";

    OsvRunPlan {
        forwards = List.copyOf(forwards);
    }

    /** The plan of a run of {@code image}; refuses what OSv images cannot do before anything starts. */
    static RunPlan prepare(JcapHome home, ImageRepository.StoredImage image, RunRequest request, EventSink events)
            throws JcapException {
        ImageMetadata m = image.metadata();
        if (request.cloudInit().isPresent()) {
            throw new JcapException("--user-data applies to Linux images: OSv image '" + m.name() + "' takes its"
                    + " settings from -e and --cmd");
        }
        if (!request.devices().isVirtio()) {
            throw new JcapException("--disk-bus and --nic-model are for Linux images: OSv image '" + m.name()
                    + "' runs on virtio devices");
        }
        if (request.interactive()) {
            // OSv's console (drivers/console.cc, line-discipline.cc) echoes what is typed, which
            // the host could not tell from the program's output, and has no end of file (^D is a
            // character like another), so a program reading to the end would never end.
            throw new JcapException("-i is for Linux images: OSv's console echoes its input and has no end of file,"
                    + " so jcap passes no input to OSv image '" + m.name() + "'");
        }
        if (!request.volumes().isEmpty()) {
            // jcap's Linux init mounts them; OSv mounts disks from its own command line (--mount-fs).
            throw new JcapException("--volume is for Linux images: OSv image '" + m.name() + "' has no init of"
                    + " jcap's to mount a volume");
        }
        Driver driver = RunPlan.driverFor(home, request);
        Optional<OsvDirectBoot> kept = OsvDirectBoot.of(image.folder());
        Optional<OsvDirectBoot> direct = directBoot(image, kept, request, driver);
        String stored = m.cmdline(request.configSet());
        String line = request.hasRunSettings() ? OsvCommandLine.forRun(stored, request.env(), request.cmd()) : stored;
        // The kernel kept beside the disk is the one on the disk, so it tells for a disk boot too.
        if (kept.isPresent() && kept.get().tracesExit()) {
            line = OsvKernelElf.EXIT_TRACE_OPTIONS + " " + line;
        }
        OsvDisk.cmdlineArea(line);
        // sha256sum checks the kernel in its own process while the host is looked at.
        Optional<BootFileCheck> check = direct.map(OsvDirectBoot::check);
        List<PortForward> forwards = PublishedPorts.merge(m.ports(), request.ports(), request.publishAddress(),
                ImageOrigin.of(image).isPresent());
        RunPlan.Host host = RunPlan.Host.of(driver, request, events);
        // qemu-img writes a disk boot's command line into its overlay, for libvirt's domains too.
        QemuInstallation qemu = QemuInstallation.detect(home.cache());
        if (check.isPresent()) {
            check.get().await(m.name());
        }
        Accelerator accelerator = host.accelerator();
        OsvRunPlan plan = new OsvRunPlan(image, qemu, accelerator, request.memoryMiB().orElse(m.memoryMiB()),
                request.cpus().orElse(m.cpus()), forwards, line, direct);
        return new RunPlan(image, host.driver(), accelerator, plan.memoryMiB(), plan.cpus(), forwards,
                "OSv, " + accelerator.qemuName() + ", " + (direct.isPresent() ? BootMode.DIRECT : BootMode.DISK).label()
                        + " boot", plan);
    }

    /** Whether the run's line asks OSv to trace main's return (its kernel can: {@link #prepare}). */
    boolean tracesExit() {
        return cmdline.startsWith(OsvKernelElf.EXIT_TRACE_OPTIONS + " ");
    }

    /**
     * Direct boot unless the request says disk, the image keeps no kernel beside its disk, or the
     * driver boots disks only (a libvirt domain: OSv's loader on the disk boots it through the BIOS).
     */
    private static Optional<OsvDirectBoot> directBoot(ImageRepository.StoredImage image, Optional<OsvDirectBoot> files,
            RunRequest request, Driver driver) throws JcapException {
        Optional<BootMode> asked = request.boot();
        if (asked.equals(Optional.of(BootMode.UEFI))) {
            throw new JcapException("OSv image '" + image.metadata().name() + "' boots by BIOS only: OSv's loader is a"
                    + " BIOS boot sector (use --boot disk or direct)");
        }
        if (asked.equals(Optional.of(BootMode.DISK))) {
            return Optional.empty();
        }
        if (!driver.bootsKernels()) {
            if (asked.isPresent()) {
                throw JcapException.usage("--boot direct needs the qemu driver: libvirt domains boot the image's disk"
                        + " (use --boot disk or leave --boot out)");
            }
            return Optional.empty();
        }
        if (asked.isPresent() && files.isEmpty()) {
            throw new JcapException("OSv image '" + image.metadata().name() + "' keeps no kernel beside its disk for a"
                    + " direct boot (its loader holds none jcap can take out, or an older jcap built it): build it"
                    + " again, or run it with --boot disk");
        }
        return files;
    }

    /** An overlay over the stored image: with the run's command line at byte 512 when a disk boot needs it. */
    @Override
    public VmSpec in(Path dir) throws JcapException, InterruptedException {
        Path overlay = dir.resolve(OVERLAY);
        if (direct.isEmpty() && !cmdline.equals(image.metadata().cmdline())) {
            new QemuImg(qemu.qemuImg()).createOverlay(image.file(), DiskFormat.QCOW2, overlay, OsvDisk.CMDLINE_OFFSET,
                    OsvDisk.cmdlineArea(cmdline));
        } else {
            Qcow2Overlay.create(image.file(), overlay);
        }
        return spec(Drive.virtio(overlay, DiskFormat.QCOW2));
    }

    /**
     * The stored image as a snapshot drive, for the libvirt driver, which copies it for QEMU's
     * user. A disk boot with its own command line gets a copy of its own instead, the line
     * written into it: its overlay, flattened, since an overlay's backing file would stay behind.
     */
    @Override
    public VmSpec snapshotIn(Path dir) throws JcapException, InterruptedException {
        if (direct.isEmpty() && !cmdline.equals(image.metadata().cmdline())) {
            Path overlay = in(dir).drives().get(0).file();
            Path flat = dir.resolve(FLAT);
            new QemuImg(qemu.qemuImg()).convert(overlay, DiskFormat.QCOW2, flat, DiskFormat.QCOW2, false);
            try {
                Files.delete(overlay);
            } catch (IOException e) {
                throw new JcapException("cannot delete " + overlay + " after copying it: " + e.getMessage(), e);
            }
            return spec(Drive.virtio(flat, DiskFormat.QCOW2).asSnapshot());
        }
        return spec(Drive.virtio(image.file(), DiskFormat.QCOW2).asSnapshot());
    }

    VmSpec spec(Drive disk) {
        VmSpec.Builder spec = VmSpec.builder()
                .accelerator(accelerator)
                .memoryMiB(memoryMiB)
                .cpus(cpus)
                .userNetwork(forwards.toArray(PortForward[]::new))
                .rng(true)
                .noReboot(true);
        if (direct.isPresent()) {
            // A kernel QEMU loads itself boots first; the disk holds the file system only.
            return spec.kernel(direct.get().kernel()).append(cmdline).drive(disk).build();
        }
        return spec.drive(disk.withBootIndex(0)).build();
    }
}
