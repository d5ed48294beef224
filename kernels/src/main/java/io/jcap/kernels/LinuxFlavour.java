package io.jcap.kernels;

import io.jcap.model.JcapException;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The Debian kernel builds jcap pulls, with the modules its images need from each. Modules a
 * kernel has built in are skipped when it is pulled, so a list may name more than a flavour loads.
 */
public enum LinuxFlavour {
    /** {@code linux-image-cloud-amd64}: small, boots fast, ext4 built in. Stored as {@code linux}. */
    CLOUD("linux-image-cloud-amd64", "linux", Stream.of(Modules.VIRTIO, Modules.POWER, Modules.CLOUD_HARDWARE)
            .flatMap(List::stream).toList(), Modules.OPTIONAL_HARDWARE),
    /** {@code linux-image-amd64}: every driver, ext4 as a module. Stored as {@code linux-generic}. */
    GENERIC("linux-image-amd64", "linux-generic", Stream.of(Modules.VIRTIO, Modules.POWER, Modules.EXT4)
            .flatMap(List::stream).toList(),
            Stream.of(Modules.CLOUD_HARDWARE, Modules.OPTIONAL_HARDWARE).flatMap(List::stream).toList());

    private final String metapackage;
    private final String storeName;
    private final List<String> modules;
    private final List<String> optionalModules;

    LinuxFlavour(String metapackage, String storeName, List<String> modules, List<String> optionalModules) {
        this.metapackage = metapackage;
        this.storeName = storeName;
        this.modules = modules;
        this.optionalModules = optionalModules;
    }

    /** The Debian metapackage that depends on the current versioned kernel package. */
    public String metapackage() {
        return metapackage;
    }

    /** The name the kernel is stored under. */
    public String storeName() {
        return storeName;
    }

    /**
     * The modules guests need: virtio (PCI, network, block, SCSI, entropy), the ACPI power button
     * and evdev (so that the init sees a graceful stop request), the clouds' disk and network
     * drivers (for cloud), and for generic the ext4 stack. A pull fails when the package has one
     * neither as a module nor built in.
     */
    public List<String> modules() {
        return modules;
    }

    /**
     * Drivers taken when the package has them as modules, and otherwise left out without an error:
     * Debian's cloud kernel builds NVMe in and has no e1000/e1000e at all; the generic kernel's
     * configuration is not checked against the cloud drivers' list.
     */
    public List<String> optionalModules() {
        return optionalModules;
    }

    /**
     * The modules of this flavour that a stored kernel lacks: it was pulled by an older jcap that
     * wanted fewer (module names match with '-' and '_' alike, as the kernel matches them). A
     * module built into the kernel is never stored, so this flavour's list names loadable ones only.
     */
    public List<String> missingFrom(Kernel kernel) {
        java.util.Set<String> stored = new java.util.HashSet<>();
        for (String file : kernel.loadOrder()) {
            stored.add(file.replaceFirst("\\.ko$", "").replace('-', '_'));
        }
        return modules.stream().filter(m -> !stored.contains(m.replace('-', '_'))).toList();
    }

    /**
     * What a stored kernel of one of these flavours lacks that this version of jcap puts in images,
     * as a sentence saying what to do; empty for a complete one and for a kernel of no flavour (an
     * import). A store kept from an older jcap has such kernels: images built on them boot, but
     * without what the missing modules give (the power button that jcap stop presses, the
     * clouds' disk and network drivers).
     */
    public static java.util.Optional<String> staleness(Kernel kernel) {
        if (!Kernel.LINUX.equals(kernel.family())) {
            return java.util.Optional.empty();
        }
        for (LinuxFlavour f : values()) {
            if (f.label().equals(kernel.flavour()) && f.storeName().equals(kernel.name())) {
                List<String> missing = f.missingFrom(kernel);
                return missing.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of("kernel " + kernel.name()
                        + " lacks modules this version of jcap puts in images (" + String.join(", ", missing)
                        + "): run 'jcap kernels pull " + kernel.name() + "' to bring them");
            }
        }
        return java.util.Optional.empty();
    }

    /** {@code cloud} or {@code generic}, as users write it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static LinuxFlavour parse(String text) throws JcapException {
        for (LinuxFlavour f : values()) {
            if (f.label().equals(text)) {
                return f;
            }
        }
        throw new JcapException("unknown kernel flavour '" + text + "': use cloud or generic");
    }

    /** Module lists, apart so that the enum constants can share them. */
    static final class Modules {
        static final List<String> VIRTIO = List.of("virtio_ring", "virtio", "virtio_pci_modern_dev",
                "virtio_pci_legacy_dev", "virtio_pci", "failover", "net_failover", "virtio_net", "virtio_blk",
                // The run VM has a virtio-rng device: with its driver the random pool is ready at once,
                // so a JVM's SecureRandom does not wait for entropy.
                "virtio_rng");
        /** The ACPI button driver reports the power button as a key; evdev lets the init read it. */
        static final List<String> POWER = List.of("button", "evdev");
        /**
         * Disks and network cards of the clouds (docs/cloud.md): virtio-scsi (GCE, OpenStack) with
         * the SCSI disk driver, Hyper-V's bus, storage and network (Azure), Xen's disk and network
         * (older AWS), ENA (AWS), gVNIC (GCE), vmxnet3 (VMware-based OpenStack). The init loads
         * those whose aliases match a device present.
         */
        static final List<String> CLOUD_HARDWARE = List.of("virtio_scsi", "sd_mod", "hv_vmbus", "hv_storvsc",
                "hv_netvsc", "xen_blkfront", "xen_netfront", "ena", "gve", "vmxnet3");
        /** NVMe (AWS Nitro, GCE) is built into the cloud kernel; e1000/e1000e are not in it at all. */
        static final List<String> OPTIONAL_HARDWARE = List.of("nvme", "e1000", "e1000e");
        static final List<String> EXT4 = List.of("crc32c_generic", "crc16", "mbcache", "jbd2", "ext4");

        private Modules() {
        }
    }
}
