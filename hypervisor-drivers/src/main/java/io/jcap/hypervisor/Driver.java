package io.jcap.hypervisor;

import io.jcap.model.EventSink;
import io.jcap.model.JcapException;

/**
 * One way of running guests (QEMU started here, a libvirt daemon here or on another host),
 * picked by name with {@link Drivers#named}. Callers ask it whether it can run guests at all,
 * which accelerator to use, and for a {@link VirtualMachine}; they never switch on the driver.
 *
 * <pre>{@code
 * Driver driver = Drivers.named("qemu", new DriverSettings(cacheDir, Optional.empty()));
 * driver.requireAvailable();
 * Accelerator accel = driver.chooseAccelerator(events).accelerator();
 * try (VirtualMachine vm = driver.create(spec).withEvents(events)) {
 *     vm.start();
 * }
 * }</pre>
 */
public interface Driver {
    /** The name the driver is picked by, e.g. {@code qemu} or {@code libvirt}. */
    String name();

    /**
     * Checks, before anything starts, that the driver can run guests (the hypervisor is installed,
     * the daemon answers); the exception says what is missing and how to fix it.
     */
    void requireAvailable() throws JcapException;

    /** KVM or TCG where this driver's guests run, judged by booting a probe guest there (maybe cached). */
    AcceleratorVerdict chooseAccelerator(EventSink events) throws JcapException;

    /** A guest of {@code spec}, not started yet. */
    GuestLifecycle<?> create(VmSpec spec) throws JcapException;

    /** Whether its guests can outlive the program that started them (detached instances). */
    boolean canDetach();

    /**
     * Whether its guests can boot a kernel and initramfs handed over beside the disk
     * ({@link VmSpec#kernel()}), skipping the firmware and the disk's boot loader.
     */
    boolean bootsKernels();

    /**
     * Whether the driver copies the disks to where its hypervisor runs: then a disk is better given
     * as a snapshot of the stored image than as an overlay whose backing file would stay behind.
     */
    boolean copiesDisks();

    /**
     * Whether its guests can be given this machine's files to use themselves, not copies (a run's
     * volumes): QEMU here, or a libvirt daemon on this machine.
     */
    boolean usesLocalFiles();
}
