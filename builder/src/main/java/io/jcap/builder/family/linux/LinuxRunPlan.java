package io.jcap.builder.family.linux;

import io.jcap.builder.api.BootMode;
import io.jcap.builder.api.JcapHome;
import io.jcap.builder.api.RunRequest;
import io.jcap.builder.family.RunPlan;
import io.jcap.builder.instance.PublishedPorts;
import io.jcap.builder.repository.ImageMetadata;
import io.jcap.builder.repository.ImageRepository;
import io.jcap.builder.repository.ImageOrigin;
import io.jcap.formats.DiskFormat;
import io.jcap.formats.iso9660.IsoVolume;
import io.jcap.formats.qcow2.Qcow2Overlay;
import io.jcap.host.OwnerOnly;
import io.jcap.hypervisor.Accelerator;
import io.jcap.hypervisor.Drive;
import io.jcap.hypervisor.Driver;
import io.jcap.hypervisor.GuestDevices;
import io.jcap.hypervisor.Ovmf;
import io.jcap.hypervisor.PortForward;
import io.jcap.hypervisor.Qboot;
import io.jcap.hypervisor.VmSpec;
import io.jcap.kernels.BzImage;
import io.jcap.kernels.Initramfs;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import io.jcap.streamer.ExitLine;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * How a Linux image runs: on q35, its kernel booted directly or its disk through the BIOS, the
 * run's settings handed to jcap's init through fw_cfg.
 *
 * @param settings the run-time settings file's bytes, when the request has any or the run has an exit tag
 * @param direct the image's kernel, initramfs and command line when QEMU boots them directly
 *     ({@link BootMode#DIRECT}), their check against their SHA-256 under way; empty when the disk
 *     boots through the BIOS and its boot loader
 * @param seed the NoCloud seed attached for this run ({@code --user-data}), when there is one
 * @param devices the disk's controller and the network card
 * @param uefi the UEFI firmware the disk boots through ({@link BootMode#UEFI}); empty: the BIOS
 * @param kernelMessages whether a direct boot's kernel prints all its messages ({@code jcap run -v}):
 *     images boot it {@code quiet}
 * @param volumes the run's volumes ({@code jcap run --volume}), each a virtio disk with its serial
 *     ({@link RunVolumes})
 */
record LinuxRunPlan(ImageRepository.StoredImage image, Accelerator accelerator, int memoryMiB, int cpus,
        List<PortForward> forwards, Optional<byte[]> settings, Optional<DirectBoot.Check> direct,
        Optional<IsoVolume> seed, GuestDevices devices, Optional<Path> uefi, boolean kernelMessages,
        List<Drive> volumes) implements RunPlan.Machine {
    /** The guest protocol whose init reads cloud-init data (docs/guest-protocol.md). */
    static final int CLOUD_INIT_PROTOCOL = 3;
    static final String OVERLAY = "overlay.qcow2";
    static final String SETTINGS = "settings";
    /** The init's parameter for QEMU's user network addresses, set without DHCP. */
    static final String STATIC_NETWORK = "jcap.net=static";
    /**
     * The init's parameter for a direct boot without a cloud-init seed drive (no {@code --user-data}):
     * it reads no block device for one (~6-10 ms of a linux-mini boot under TCG). A disk boot's own
     * command line leaves it out: a cloud may attach a seed or config drive.
     */
    static final String NO_SEED = "jcap.seed=none";
    /**
     * The kernel's timer parameters under TCG only. {@code nolapic_timer}: the tick from the HPET
     * rather than the local APIC timer, which Linux calibrates by counting it for 100 ms of emulated
     * time against the PIT, ~0.2 s of a linux-mini boot (docs/benchmarks.md). Under KVM the APIC
     * timer needs no calibration (TSC deadline) and an emulated HPET would cost an exit per access,
     * so it stays. {@code no_timer_check}: Linux's early check that the timer interrupt ticks
     * (at least 5 jiffies while the TSC counts 10 to 40 of them) fails when a busy host leaves the
     * emulated CPU no turn for a moment, and the kernel panics ("IO-APIC + timer doesn't work!",
     * seen once in a builder VM here); a KVM guest skips that check by itself (its paravirt setup).
     */
    static final String TCG_TIMER = "nolapic_timer no_timer_check";
    /**
     * What a direct boot under TCG adds of {@link #TCG_TIMER} to an image's own command line {@code line}:
     * the parameters it lacks, each after a space (images built since December 2026 have {@code no_timer_check}).
     */
    static String tcgTimer(String line) {
        List<String> present = List.of(line.split(" "));
        StringBuilder added = new StringBuilder();
        for (String parameter : TCG_TIMER.split(" ")) {
            if (!present.contains(parameter)) {
                added.append(' ').append(parameter);
            }
        }
        return added.toString();
    }

    /** Overrides the image's {@code quiet loglevel=3} for a run that shows its boot ({@code -v}). */
    static final String ALL_KERNEL_MESSAGES = "ignore_loglevel";
    /** The machine type images run on. */
    static final String RUN_MACHINE = "q35";
    /**
     * The least memory a UEFI boot of Debian's kernel gets through: OVMF keeps tens of MiB, and
     * GRUB loads the 14 MB kernel and reserves its 51 MiB of decompression room (192 MiB ran out).
     */
    static final int UEFI_MIN_MEMORY_MIB = 256;
    /** Memory the booted kernel needs beyond its unpacking room and the initramfs ({@link #checkBootMemory}). */
    static final int BOOT_HEADROOM_MIB = 8;

    LinuxRunPlan {
        forwards = List.copyOf(forwards);
        volumes = List.copyOf(volumes);
    }

    /** The plan of a run of {@code image}, checked before anything starts. */
    static RunPlan prepare(JcapHome home, ImageRepository.StoredImage image, RunRequest request, EventSink events)
            throws JcapException {
        ImageMetadata m = image.metadata();
        ExitLine exitLine = m.guestProtocol() >= Initramfs.GUEST_PROTOCOL_EXIT_TAG ? ExitLine.random()
                : ExitLine.UNTAGGED;
        Optional<byte[]> settings = RunSettings.of(request, exitLine);
        // The boot files' check runs in its own process while the rest of the run is prepared.
        Driver driver = RunPlan.driverFor(home, request);
        Optional<DirectBoot.Check> direct = directBoot(driver, image, request).map(DirectBoot::check);
        if (request.hasRunSettings() && m.guestProtocol() < Initramfs.GUEST_PROTOCOL_RUN_SETTINGS) {
            throw new JcapException("image '" + m.name() + "' was built by an older jcap whose guest init cannot take"
                    + " run-time settings (-e, --cmd): build it again with jcap build");
        }
        if (request.interactive() && m.guestProtocol() < Initramfs.GUEST_PROTOCOL_INTERACTIVE) {
            throw new JcapException("image '" + m.name() + "' was built by an older jcap whose guest init cannot take"
                    + " console input (-i): build it again with jcap build");
        }
        RunCommandCheck.check(image, request.cmd());
        if (request.cloudInit().isPresent() && m.guestProtocol() < CLOUD_INIT_PROTOCOL) {
            throw new JcapException("image '" + m.name() + "' was built by an older jcap whose guest init does not read"
                    + " cloud-init data (--user-data): build it again with jcap build");
        }
        if (!request.devices().isVirtio() && !m.loadsDriversByDevice()) {
            throw new JcapException("image '" + m.name() + "' was built by an older jcap whose guest init loads virtio"
                    + " drivers only (--disk-bus and --nic-model pick others): build it again with jcap build");
        }
        if (!request.devices().isVirtio() && !driver.bootsKernels()) {
            throw JcapException.usage("--disk-bus and --nic-model need the qemu driver: jcap's libvirt domains have"
                    + " virtio disks and network cards");
        }
        RunVolumes.check(m, request, driver);
        RunCommandCheck.checkVolumes(image, request.volumes());
        Optional<Path> uefi = Optional.empty();
        if (request.boot().equals(Optional.of(BootMode.UEFI))) {
            if (!m.bootsUnderUefi()) {
                throw new JcapException("image '" + m.name() + "' was built by an older jcap whose disks boot by BIOS"
                        + " only: build it again with jcap build to boot it under UEFI");
            }
            if (io.jcap.kernels.mini.MiniKernelBuild.NAME.equals(m.kernel())) {
                // Without CONFIG_EFI it finds no ACPI tables under OVMF: no power-off, no power button.
                throw new JcapException("image '" + m.name() + "' boots kernel " + m.kernel() + ", which is built without"
                        + " EFI support: under UEFI it could not power off or see the power button; boot it with --boot"
                        + " disk (BIOS) or direct, or build it with kernel: linux to boot it under UEFI");
            }
            uefi = Optional.of(Ovmf.locate());
        }
        Optional<IsoVolume> seed = request.cloudInit().isPresent()
                ? Optional.of(NoCloudSeed.of(request.cloudInit().get(), m.name())) : Optional.empty();
        List<PortForward> forwards = PublishedPorts.merge(m.ports(), request.ports(), request.publishAddress(),
                ImageOrigin.of(image).isPresent());
        RunPlan.Host host = RunPlan.Host.of(driver, request, events);
        Accelerator accelerator = host.accelerator();
        int memoryMiB = request.memoryMiB().orElse(m.memoryMiB());
        if (uefi.isPresent() && memoryMiB < UEFI_MIN_MEMORY_MIB) {
            events.info("A UEFI boot needs " + UEFI_MIN_MEMORY_MIB + " MiB of memory (OVMF and GRUB take their share):"
                    + " the guest gets " + UEFI_MIN_MEMORY_MIB + " MiB instead of " + memoryMiB + " MiB");
            memoryMiB = UEFI_MIN_MEMORY_MIB;
        }
        checkBootMemory(image, memoryMiB, request.memoryMiB().isPresent());
        List<Drive> volumes = RunVolumes.drives(home, request, events);
        LinuxRunPlan plan = new LinuxRunPlan(image, accelerator, memoryMiB,
                request.cpus().orElse(m.cpus()), forwards, settings, direct, seed, request.devices(), uefi,
                request.showBoot(), volumes);
        return new RunPlan(image, host.driver(), accelerator, plan.memoryMiB(), plan.cpus(), forwards,
                accelerator.qemuName() + ", " + plan.bootLabel(), plan, exitLine);
    }

    /**
     * Refuses memory the image's kernel cannot boot in, which otherwise ends in an empty console
     * or an out-of-memory panic before the init: the kernel unpacks itself from its load address
     * to the end of its {@code init_size} ({@link BzImage#unpackedEnd}), the initramfs lies above
     * it, and the running kernel needs a little more ({@value #BOOT_HEADROOM_MIB} MiB, measured:
     * Debian's cloud kernel booted hello in 80 MiB and panicked in 72; linux-mini booted in 40 and
     * panicked in 32). Rounded up to 8 MiB. An image without its boot files beside the disk (an
     * older jcap's) is not checked.
     */
    static void checkBootMemory(ImageRepository.StoredImage image, int memoryMiB, boolean asked) throws JcapException {
        OptionalInt needed = bootMemoryMiB(image.folder().resolve(DirectBoot.FOLDER));
        if (needed.isEmpty() || memoryMiB >= needed.getAsInt()) {
            return;
        }
        String name = image.metadata().name();
        throw new JcapException((asked ? memoryMiB + "M is too little memory for image '" + name + "'"
                : "image '" + name + "' has memory " + memoryMiB + "M (its Capstanfile's), too little")
                + ": its kernel needs at least " + needed.getAsInt() + "M to boot (it unpacks itself, with its"
                + " initramfs, into most of that); " + (asked ? "give -m " + needed.getAsInt() + "M or more"
                : "run it with -m " + needed.getAsInt() + "M or more, or raise memory in its Capstanfile"));
    }

    /** The least memory, in MiB, the kernel and initramfs in {@code boot} start in; empty when unknown. */
    static OptionalInt bootMemoryMiB(Path boot) {
        Path kernel = boot.resolve(DirectBoot.KERNEL);
        OptionalLong end = BzImage.unpackedEnd(kernel);
        long initrd;
        try {
            initrd = java.nio.file.Files.size(boot.resolve(DirectBoot.INITRD));
        } catch (IOException e) {
            return OptionalInt.empty();
        }
        if (end.isEmpty()) {
            return OptionalInt.empty();
        }
        long mib = (end.getAsLong() + initrd + ((long) BOOT_HEADROOM_MIB << 20) + (1 << 20) - 1) >> 20;
        return OptionalInt.of((int) ((mib + 7) / 8 * 8));
    }

    /**
     * Direct boot unless the request says disk, or the image has no boot files beside its disk
     * (built by an older jcap), or its driver boots disks only (a libvirt domain, possibly on
     * another host, boots the disk alone).
     */
    private static Optional<DirectBoot> directBoot(Driver driver, ImageRepository.StoredImage image,
            RunRequest request) throws JcapException {
        Optional<BootMode> asked = request.boot();
        if (asked.isPresent() && asked.get().bootsDisk()) {
            return Optional.empty();
        }
        if (!driver.bootsKernels()) {
            if (asked.isPresent()) {
                throw JcapException.usage("--boot direct needs the qemu driver: libvirt domains boot the image's disk"
                        + " (use --boot disk or leave --boot out)");
            }
            return Optional.empty();
        }
        Optional<DirectBoot> files = DirectBoot.of(image.folder());
        if (asked.isPresent() && files.isEmpty()) {
            throw new JcapException("image '" + image.metadata().name() + "' has no kernel stored beside its disk for"
                    + " a direct boot (it was built by an older jcap): build it again, or run it with --boot disk");
        }
        return files;
    }

    /** How the guest boots, for messages: {@code direct boot}, {@code disk boot} or {@code uefi boot}. */
    String bootLabel() {
        return (direct.isPresent() ? BootMode.DIRECT : uefi.isPresent() ? BootMode.UEFI : BootMode.DISK).label()
                + " boot";
    }

    /** Creates {@code overlay.qcow2} (and {@code settings}) in {@code dir}; the stored image is only read. */
    @Override
    public VmSpec in(Path dir) throws JcapException, InterruptedException {
        Path overlay = dir.resolve(OVERLAY);
        Qcow2Overlay.create(image.file(), overlay);
        return spec(Drive.virtio(overlay, DiskFormat.QCOW2).withBus(devices.disk()), dir);
    }

    @Override
    public VmSpec snapshotIn(Path dir) throws JcapException, InterruptedException {
        return spec(Drive.virtio(image.file(), DiskFormat.QCOW2).withBus(devices.disk()).asSnapshot(), dir);
    }

    private VmSpec spec(Drive root, Path dir) throws JcapException, InterruptedException {
        // q35 rather than pc: its PCI Express devices take MSI-X interrupts, so the guest skips
        // pc's ACPI interrupt-link routing (~90 ms per virtio device under emulation); the init's
        // module loading drops from ~0.43 s to ~0.16 s (docs/benchmarks.md).
        VmSpec.Builder spec = VmSpec.builder()
                .machine(RUN_MACHINE)
                .accelerator(accelerator)
                .memoryMiB(memoryMiB)
                .cpus(cpus)
                // A kernel QEMU loads itself takes boot index 0; only a disk boot gives it to the disk.
                .drive(direct.isPresent() ? root : root.withBootIndex(0))
                .userNetwork(forwards.toArray(PortForward[]::new))
                .nic(devices.nic())
                .rng(true)
                .noReboot(true);
        uefi.ifPresent(spec::firmware);
        // QEMU's user network has fixed addresses (10.0.2.15, router 10.0.2.2, DNS 10.0.2.3): a direct
        // boot sets them statically and skips the DHCP exchange (~60 ms under emulation). The disk's own
        // command line keeps DHCP, for clouds.
        if (direct.isPresent()) {
            DirectBoot boot = direct.get().await(image.metadata().name());
            spec.kernel(boot.kernel()).initrd(boot.initrd()).append(boot.append() + " " + STATIC_NETWORK
                    + (seed.isEmpty() ? " " + NO_SEED : "")
                    + (accelerator == Accelerator.TCG ? tcgTimer(boot.append()) : "")
                    + (kernelMessages ? " " + ALL_KERNEL_MESSAGES : ""));
            // qboot loads the kernel without SeaBIOS's device scan (~0.1 s under TCG); without it, SeaBIOS does.
            Qboot.find().ifPresent(spec::firmware);
        }
        if (seed.isPresent()) {
            spec.drive(Drive.virtio(NoCloudSeed.write(seed.get(), dir), DiskFormat.RAW).asReadOnly());
        }
        volumes.forEach(spec::drive);
        if (settings.isPresent()) {
            Path file = dir.resolve(SETTINGS);
            try {
                // The settings may hold secrets (-e): owner-only, and never written through a link.
                OwnerOnly.write(file, settings.get());
            } catch (FileSystemException e) {
                throw new JcapException("cannot write the run's settings to " + file + ": "
                        + (e.getReason() != null ? e.getReason() : "something is already there"), e);
            } catch (IOException e) {
                throw new JcapException("cannot write the run's settings to " + file + ": " + e.getMessage(), e);
            }
            spec.firmwareFile(RunSettings.firmwareFile(file));
        }
        return spec.build();
    }
}
