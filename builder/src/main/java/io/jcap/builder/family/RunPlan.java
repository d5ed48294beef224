package io.jcap.builder.family;

import io.jcap.builder.api.JcapHome;
import io.jcap.builder.api.RunRequest;
import io.jcap.builder.repository.ImageRepository;
import io.jcap.hypervisor.Accelerator;
import io.jcap.hypervisor.Driver;
import io.jcap.hypervisor.DriverSettings;
import io.jcap.hypervisor.Drivers;
import io.jcap.hypervisor.PortForward;
import io.jcap.hypervisor.VmSpec;
import io.jcap.hypervisor.libvirt.LibvirtUri;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import io.jcap.streamer.ExitLine;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What a run boots, worked out by the image's kernel family from the request and the image: what
 * foreground runs and detached instances share. {@link #materialize} writes the run's own files
 * (the disk over the stored image, settings for the guest) into a folder and gives the machine
 * that boots them; {@link #materializeSnapshot} does the same with the stored image as a snapshot
 * drive, for the libvirt driver.
 *
 * @param driver runs the guest: QEMU here, or libvirt when the request names a libvirt URI (a
 *     remote libvirt host needs no QEMU here: the plan holds none, and what needs QEMU here finds it
 *     itself)
 * @param description how the guest boots, for messages: {@code tcg, direct boot}, {@code OSv, kvm}
 * @param exitLine the line that ends this run's application on the console, with the tag the plan
 *     gives the guest ({@link ExitLine#UNTAGGED} for a guest that takes none)
 */
public record RunPlan(ImageRepository.StoredImage image, Driver driver, Accelerator accelerator,
        int memoryMiB, int cpus, List<PortForward> forwards, String description, Machine machine, ExitLine exitLine) {
    /** A plan whose guest reports no tagged end line. */
    public RunPlan(ImageRepository.StoredImage image, Driver driver, Accelerator accelerator, int memoryMiB, int cpus,
            List<PortForward> forwards, String description, Machine machine) {
        this(image, driver, accelerator, memoryMiB, cpus, forwards, description, machine, ExitLine.UNTAGGED);
    }

    public RunPlan {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(driver, "driver");
        Objects.requireNonNull(accelerator, "accelerator");
        forwards = List.copyOf(forwards);
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(machine, "machine");
        Objects.requireNonNull(exitLine, "exitLine");
    }

    /** How a family turns a plan into a machine in a run's folder. */
    public interface Machine {
        /** The machine over a private disk in {@code dir}; the stored image is only read. */
        VmSpec in(Path dir) throws JcapException, InterruptedException;

        /** The machine with the stored image as a snapshot drive, its other files in {@code dir}. */
        VmSpec snapshotIn(Path dir) throws JcapException, InterruptedException;
    }

    /**
     * Where a run's guest runs: the request's driver (checked usable) and the accelerator. Only the
     * driver decides what it needs on this machine: the qemu driver needs QEMU here, a remote
     * libvirt host needs none.
     */
    public record Host(Driver driver, Accelerator accelerator) {
        /** @param driver the request's driver, from {@link #driverFor} */
        public static Host of(Driver driver, RunRequest request, EventSink events) throws JcapException {
            driver.requireAvailable();
            return new Host(driver, Accelerators.choose(driver, request.accelerator(), events));
        }
    }

    /** The driver a request asks for: libvirt when it names a libvirt URI, else QEMU here. */
    public static Driver driverFor(JcapHome home, RunRequest request) throws JcapException {
        return Drivers.named(request.libvirt().isPresent() ? "libvirt" : "qemu",
                new DriverSettings(home.cache(), request.libvirt().map(LibvirtUri::toString)));
    }

    /** Creates the run's disk (and settings) in {@code dir}; the stored image is only read. */
    public VmSpec materialize(Path dir) throws JcapException, InterruptedException {
        return machine.in(dir);
    }

    /**
     * The machine with the stored image itself as a snapshot drive: for the libvirt driver, which
     * copies the disk for QEMU's user and cannot take an overlay whose backing file would stay
     * behind. The copy is dropped after the run, the stored image is only read.
     */
    public VmSpec materializeSnapshot(Path dir) throws JcapException, InterruptedException {
        return machine.snapshotIn(dir);
    }
}
