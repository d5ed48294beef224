package io.jcap.builder.api;

import io.jcap.builder.instance.InstanceName;
import io.jcap.hypervisor.Accelerator;
import io.jcap.hypervisor.GuestDevices;
import io.jcap.hypervisor.PortForward;
import io.jcap.hypervisor.libvirt.LibvirtUri;
import io.jcap.model.EnvName;
import io.jcap.model.GuestMemory;
import io.jcap.model.PortMapping;
import io.jcap.model.VolumeMount;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What to run, and how this run differs from what the image says. Run-time settings ({@code env},
 * {@code cmd}) reach the guest for this run only; the stored image is never changed.
 *
 * <pre>{@code
 * RunRequest web = RunRequest.of("http-server")
 *         .withPorts(List.of(PortMapping.parse("18080:8080")))
 *         .withEnv(Map.of("GREETING", "hi"))
 *         .withName("web");
 * RunRequest viaLibvirt = RunRequest.of("hello").withLibvirt(Optional.of(LibvirtUri.SYSTEM));
 * RunRequest shout = RunRequest.of("hello-package").withConfigSet(Optional.of("shout"));
 * }</pre>
 *
 * @param image the image name
 * @param accelerator empty to probe (KVM only when it really works)
 * @param showBoot pass the whole console on, boot messages included, not only the application's
 * @param memoryMiB empty: the image's memory
 * @param cpus empty: the image's CPUs
 * @param ports published ports; one for a guest port (and protocol) the image publishes
 *     replaces the image's, the image's others stay
 * @param publishAddress the host address every published port binds to
 * @param env variables added to the image's environment, replacing those of the same name
 * @param cmd a command line replacing the image's, split into words as the Capstanfile's
 *     {@code cmdline} is
 * @param name the name of a detached instance; empty to derive one from the image name
 * @param libvirt run the guest through the libvirt daemon at this URI instead of starting QEMU
 *     directly; empty for QEMU
 * @param boot how a Linux image boots (an OSv image boots its disk); empty: {@link BootMode#DIRECT} when the image has its boot
 *     files and QEMU runs it, else {@link BootMode#DISK}
 * @param configSet for an image built from a Capstan package: the named configuration this run
 *     boots instead of the image's default one; {@code env} and {@code cmd} apply on top of it
 * @param cloudInit cloud-init data a Linux image's init reads from a NoCloud seed drive attached for
 *     this run only; empty: no seed
 * @param devices the disk controller and network card of a Linux image's guest (QEMU driver);
 *     {@link GuestDevices#VIRTIO} unless chosen, to try the image on a cloud's devices
 * @param interactive the caller passes input to the application's console (a Linux image, the
 *     QEMU driver, in the foreground): its init then reads the console without echoing it
 * @param volumes disks mounted on the guest's folders for this run (a Linux image, the QEMU driver)
 */
public record RunRequest(String image, Optional<Accelerator> accelerator, boolean showBoot, OptionalInt memoryMiB,
        OptionalInt cpus, List<PortMapping> ports, String publishAddress, SortedMap<String, String> env,
        Optional<String> cmd, Optional<String> name, Optional<LibvirtUri> libvirt, Optional<BootMode> boot,
        Optional<String> configSet, Optional<CloudInitData> cloudInit, GuestDevices devices, boolean interactive,
        List<VolumeMount> volumes) {
    /** The fewest MiB a guest gets; the kernel and init need about that much. */
    public static final int MIN_MEMORY_MIB = GuestMemory.MIN_MIB;
    public static final int MAX_CPUS = 64;
    /** The most volumes one run mounts (each a PCI device of the guest). */
    public static final int MAX_VOLUMES = 16;

    public RunRequest {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(accelerator, "accelerator");
        if (memoryMiB.isPresent() && memoryMiB.getAsInt() < MIN_MEMORY_MIB) {
            throw new IllegalArgumentException("memory " + memoryMiB.getAsInt() + "M is too little: give at least "
                    + MIN_MEMORY_MIB + "M");
        }
        if (cpus.isPresent() && (cpus.getAsInt() < 1 || cpus.getAsInt() > MAX_CPUS)) {
            throw new IllegalArgumentException("cpus " + cpus.getAsInt() + " is outside 1.." + MAX_CPUS);
        }
        ports = List.copyOf(ports);
        // PortForward owns the address rule; checking it here reports a bad address before anything starts.
        new PortForward(publishAddress, 1, 1, PortForward.Protocol.TCP);
        env = new TreeMap<>(env);
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (!EnvName.valid(e.getKey())) {
                throw new IllegalArgumentException("environment variable name '" + e.getKey() + "' is not allowed: "
                        + EnvName.RULE);
            }
            GuestCommandLine.checkEnv(e.getKey(), e.getValue());
        }
        cmd.ifPresent(GuestCommandLine::words);
        Objects.requireNonNull(name, "name");
        name.ifPresent(InstanceName::check);
        Objects.requireNonNull(libvirt, "libvirt");
        Objects.requireNonNull(boot, "boot");
        Objects.requireNonNull(configSet, "configSet");
        Objects.requireNonNull(cloudInit, "cloudInit");
        Objects.requireNonNull(devices, "devices");
        volumes = List.copyOf(volumes);
        for (int i = 0; i < volumes.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (volumes.get(i).guestFolder().equals(volumes.get(j).guestFolder())) {
                    throw new IllegalArgumentException("two volumes on " + volumes.get(i).guestFolder() + ": "
                            + volumes.get(j) + " and " + volumes.get(i) + "; give each folder one");
                }
            }
        }
        if (volumes.size() > MAX_VOLUMES) {
            throw new IllegalArgumentException(volumes.size() + " volumes are too many: at most " + MAX_VOLUMES);
        }
    }

    public static RunRequest of(String image) {
        return new RunRequest(image, Optional.empty(), false, OptionalInt.empty(), OptionalInt.empty(), List.of(),
                PortForward.LOOPBACK, new TreeMap<>(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), GuestDevices.VIRTIO, false, List.of());
    }

    public RunRequest withAccelerator(Optional<Accelerator> value) {
        return new RunRequest(image, value, showBoot, memoryMiB, cpus, ports, publishAddress, env, cmd, name, libvirt,
                boot, configSet, cloudInit, devices, interactive, volumes);
    }

    public RunRequest withShowBoot(boolean value) {
        return new RunRequest(image, accelerator, value, memoryMiB, cpus, ports, publishAddress, env, cmd, name,
                libvirt, boot, configSet, cloudInit, devices, interactive, volumes);
    }

    public RunRequest withMemoryMiB(OptionalInt value) {
        return new RunRequest(image, accelerator, showBoot, value, cpus, ports, publishAddress, env, cmd, name,
                libvirt, boot, configSet, cloudInit, devices, interactive, volumes);
    }

    public RunRequest withCpus(OptionalInt value) {
        return new RunRequest(image, accelerator, showBoot, memoryMiB, value, ports, publishAddress, env, cmd, name,
                libvirt, boot, configSet, cloudInit, devices, interactive, volumes);
    }

    public RunRequest withPorts(List<PortMapping> value) {
        return new RunRequest(image, accelerator, showBoot, memoryMiB, cpus, value, publishAddress, env, cmd, name,
                libvirt, boot, configSet, cloudInit, devices, interactive, volumes);
    }

    public RunRequest withPublishAddress(String value) {
        return new RunRequest(image, accelerator, showBoot, memoryMiB, cpus, ports, value, env, cmd, name, libvirt,
                boot, configSet, cloudInit, devices, interactive, volumes);
    }

    public RunRequest withEnv(Map<String, String> value) {
        return new RunRequest(image, accelerator, showBoot, memoryMiB, cpus, ports, publishAddress,
                new TreeMap<>(value), cmd, name, libvirt, boot, configSet, cloudInit, devices, interactive, volumes);
    }

    public RunRequest withCmd(Optional<String> value) {
        return new RunRequest(image, accelerator, showBoot, memoryMiB, cpus, ports, publishAddress, env, value, name,
                libvirt, boot, configSet, cloudInit, devices, interactive, volumes);
    }

    public RunRequest withName(String value) {
        return new RunRequest(image, accelerator, showBoot, memoryMiB, cpus, ports, publishAddress, env, cmd,
                Optional.of(value), libvirt, boot, configSet, cloudInit, devices, interactive, volumes);
    }

    /** Runs the guest through libvirt at {@code uri} ({@link LibvirtUri#SYSTEM} for this machine's daemon). */
    public RunRequest withLibvirt(Optional<LibvirtUri> uri) {
        return new RunRequest(image, accelerator, showBoot, memoryMiB, cpus, ports, publishAddress, env, cmd, name,
                uri, boot, configSet, cloudInit, devices, interactive, volumes);
    }

    public RunRequest withBoot(Optional<BootMode> value) {
        return new RunRequest(image, accelerator, showBoot, memoryMiB, cpus, ports, publishAddress, env, cmd, name,
                libvirt, value, configSet, cloudInit, devices, interactive, volumes);
    }

    /** Runs the image's named configuration {@code value} (a Capstan package's) instead of its default one. */
    public RunRequest withConfigSet(Optional<String> value) {
        return new RunRequest(image, accelerator, showBoot, memoryMiB, cpus, ports, publishAddress, env, cmd, name,
                libvirt, boot, value, cloudInit, devices, interactive, volumes);
    }

    /** Attaches a NoCloud seed with this cloud-init data to the run (Linux images). */
    public RunRequest withCloudInit(Optional<CloudInitData> value) {
        return new RunRequest(image, accelerator, showBoot, memoryMiB, cpus, ports, publishAddress, env, cmd, name,
                libvirt, boot, configSet, value, devices, interactive, volumes);
    }

    /** Attaches the disk and the network card as {@code value} says (a Linux image, the QEMU driver). */
    public RunRequest withDevices(GuestDevices value) {
        return new RunRequest(image, accelerator, showBoot, memoryMiB, cpus, ports, publishAddress, env, cmd, name,
                libvirt, boot, configSet, cloudInit, value, interactive, volumes);
    }

    /** Passes the caller's input to the application's console ({@code jcap run -i}). */
    public RunRequest withInteractive(boolean value) {
        return new RunRequest(image, accelerator, showBoot, memoryMiB, cpus, ports, publishAddress, env, cmd, name,
                libvirt, boot, configSet, cloudInit, devices, value, volumes);
    }

    /** Mounts these volumes on the guest's folders for this run ({@code jcap run --volume}; a Linux image). */
    public RunRequest withVolumes(List<VolumeMount> value) {
        return new RunRequest(image, accelerator, showBoot, memoryMiB, cpus, ports, publishAddress, env, cmd, name,
                libvirt, boot, configSet, cloudInit, devices, interactive, value);
    }

    /** Whether this run passes settings to the guest (and so needs an init that reads them). */
    public boolean hasRunSettings() {
        return !env.isEmpty() || cmd.isPresent();
    }
}
