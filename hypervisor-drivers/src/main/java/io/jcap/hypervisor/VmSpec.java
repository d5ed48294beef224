package io.jcap.hypervisor;

import io.jcap.formats.DiskFormat;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a QEMU guest looks like: machine, accelerator, memory, CPUs, an optional kernel to boot
 * directly, disks, user-mode network with port forwards, and extra QEMU arguments.
 *
 * <pre>{@code
 * VmSpec spec = VmSpec.builder()
 *         .accelerator(Accelerator.TCG).memoryMiB(512)
 *         .kernel(vmlinuz).initrd(initramfs).append("console=ttyS0 jcap.mode=build")
 *         .drive(Drive.virtio(disk, DiskFormat.RAW))
 *         .userNetwork(PortForward.tcp(0, 10000))
 *         .build();
 * }</pre>
 *
 * @param userNetwork whether the guest gets a NIC on QEMU's user-mode network
 * @param nic the model of that NIC
 * @param noReboot a guest reboot ends QEMU instead of restarting the guest
 * @param firmwareFiles files the guest reads from the fw_cfg device (run-time settings)
 * @param firmware the firmware the machine starts instead of QEMU's own SeaBIOS: OVMF for a UEFI
 *     boot ({@link Ovmf}), or {@link Qboot}, which loads the {@code kernel} QEMU is given and boots
 *     nothing else; the file on the host that runs QEMU
 */
public record VmSpec(String machine, Accelerator accelerator, int memoryMiB, int cpus, Optional<Path> kernel,
        Optional<Path> initrd, Optional<String> append, List<Drive> drives, boolean userNetwork, NicModel nic,
        List<PortForward> portForwards, boolean rng, boolean noReboot, List<FirmwareFile> firmwareFiles,
        List<String> extraArgs, Optional<Path> firmware) {

    public VmSpec {
        if (machine == null || !machine.matches("[a-z0-9][a-z0-9.-]*")) {
            throw new IllegalArgumentException("machine must be a QEMU machine type such as pc, got " + machine);
        }
        if (accelerator == null) {
            throw new IllegalArgumentException("accelerator is required");
        }
        if (memoryMiB < 16) {
            throw new IllegalArgumentException("memory must be at least 16 MiB, got " + memoryMiB);
        }
        if (cpus < 1) {
            throw new IllegalArgumentException("cpus must be at least 1, got " + cpus);
        }
        kernel = kernel.map(Path::toAbsolutePath);
        initrd = initrd.map(Path::toAbsolutePath);
        if (kernel.isEmpty() && (initrd.isPresent() || append.isPresent())) {
            throw new IllegalArgumentException("an initrd or a kernel command line needs a kernel");
        }
        if (nic == null) {
            throw new IllegalArgumentException("nic is required (NicModel.VIRTIO by default)");
        }
        if (!userNetwork && !portForwards.isEmpty()) {
            throw new IllegalArgumentException("port forwards need the user-mode network");
        }
        drives = List.copyOf(drives);
        portForwards = List.copyOf(portForwards);
        firmwareFiles = List.copyOf(firmwareFiles);
        if (firmwareFiles.stream().map(FirmwareFile::name).distinct().count() != firmwareFiles.size()) {
            throw new IllegalArgumentException("two fw_cfg files have the same name: " + firmwareFiles);
        }
        extraArgs = List.copyOf(extraArgs);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link VmSpec}; defaults: machine pc, TCG, 256 MiB, 1 CPU, no network, -no-reboot. */
    public static final class Builder {
        private String machine = "pc";
        private Accelerator accelerator = Accelerator.TCG;
        private int memoryMiB = 256;
        private int cpus = 1;
        private Path kernel;
        private Path initrd;
        private String append;
        private final List<Drive> drives = new ArrayList<>();
        private boolean userNetwork;
        private NicModel nic = NicModel.VIRTIO;
        private final List<PortForward> portForwards = new ArrayList<>();
        private boolean rng;
        private boolean noReboot = true;
        private final List<FirmwareFile> firmwareFiles = new ArrayList<>();
        private final List<String> extraArgs = new ArrayList<>();
        private Path firmware;

        private Builder() {
        }

        public Builder machine(String machine) {
            this.machine = machine;
            return this;
        }

        public Builder accelerator(Accelerator accelerator) {
            this.accelerator = accelerator;
            return this;
        }

        public Builder memoryMiB(int memoryMiB) {
            this.memoryMiB = memoryMiB;
            return this;
        }

        public Builder cpus(int cpus) {
            this.cpus = cpus;
            return this;
        }

        public Builder kernel(Path kernel) {
            this.kernel = kernel;
            return this;
        }

        public Builder initrd(Path initrd) {
            this.initrd = initrd;
            return this;
        }

        public Builder append(String append) {
            this.append = append;
            return this;
        }

        public Builder drive(Drive drive) {
            drives.add(drive);
            return this;
        }

        /** Turns on the user-mode network with these forwards (none is fine). */
        public Builder userNetwork(PortForward... forwards) {
            userNetwork = true;
            portForwards.addAll(List.of(forwards));
            return this;
        }

        /** The network card of the user-mode network; virtio unless set. */
        public Builder nic(NicModel model) {
            this.nic = model;
            return this;
        }

        public Builder rng(boolean rng) {
            this.rng = rng;
            return this;
        }

        public Builder noReboot(boolean noReboot) {
            this.noReboot = noReboot;
            return this;
        }

        public Builder firmwareFile(FirmwareFile file) {
            firmwareFiles.add(file);
            return this;
        }

        /** The firmware image the machine starts instead of SeaBIOS (OVMF for UEFI, qboot for a direct boot). */
        public Builder firmware(Path file) {
            this.firmware = file;
            return this;
        }

        public Builder extraArgs(String... args) {
            extraArgs.addAll(List.of(args));
            return this;
        }

        public VmSpec build() {
            return new VmSpec(machine, accelerator, memoryMiB, cpus, Optional.ofNullable(kernel),
                    Optional.ofNullable(initrd), Optional.ofNullable(append), drives, userNetwork, nic, portForwards, rng,
                    noReboot, firmwareFiles, extraArgs, Optional.ofNullable(firmware));
        }
    }
}
