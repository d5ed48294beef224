package io.jcap.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jcap.model.Sha256;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinuxFlavourTest {
    private static Kernel withModules(String... files) {
        Path folder = Path.of("/k");
        return new Kernel("linux", Kernel.LINUX, KernelKind.BZIMAGE, "6.1", "cloud", "test", folder,
                folder.resolve("vmlinuz"), Sha256.of(new byte[0]),
                java.util.Arrays.stream(files).map(f -> folder.resolve("modules").resolve(f)).toList());
    }

    @Test
    void missingFrom_kernelWithEveryModule_isEmpty_dashOrUnderscoreAlike() {
        Kernel k = withModules("virtio_ring.ko", "virtio.ko", "virtio_pci_modern_dev.ko", "virtio_pci_legacy_dev.ko",
                "virtio_pci.ko", "failover.ko", "net_failover.ko", "virtio_net.ko", "virtio_blk.ko", "virtio-rng.ko",
                "button.ko", "evdev.ko", "scsi_common.ko", "scsi_mod.ko", "virtio_scsi.ko", "sd_mod.ko", "hv_vmbus.ko",
                "scsi_transport_fc.ko", "hv_storvsc.ko", "hv_netvsc.ko", "xen-blkfront.ko", "xen-netfront.ko", "ena.ko",
                "gve.ko", "vmxnet3.ko");
        assertEquals(List.of(), LinuxFlavour.CLOUD.missingFrom(k));
    }

    @Test
    void missingFrom_kernelPulledByAnOlderVersion_namesWhatItLacks() {
        Kernel k = withModules("virtio_ring.ko", "virtio.ko", "virtio_pci_modern_dev.ko", "virtio_pci_legacy_dev.ko",
                "virtio_pci.ko", "failover.ko", "net_failover.ko", "virtio_net.ko", "virtio_blk.ko");
        assertEquals(List.of("virtio_rng", "button", "evdev", "virtio_scsi", "sd_mod", "hv_vmbus", "hv_storvsc",
                "hv_netvsc", "xen_blkfront", "xen_netfront", "ena", "gve", "vmxnet3"), LinuxFlavour.CLOUD.missingFrom(k));
    }

    @Test
    void missingFrom_kernelPulledBeforeTheCloudDrivers_namesThem_butNeverTheOptionalOnes() {
        Kernel k = withModules("virtio_ring.ko", "virtio.ko", "virtio_pci_modern_dev.ko", "virtio_pci_legacy_dev.ko",
                "virtio_pci.ko", "failover.ko", "net_failover.ko", "virtio_net.ko", "virtio_blk.ko", "virtio-rng.ko",
                "button.ko", "evdev.ko");
        assertEquals(List.of("virtio_scsi", "sd_mod", "hv_vmbus", "hv_storvsc", "hv_netvsc", "xen_blkfront",
                "xen_netfront", "ena", "gve", "vmxnet3"), LinuxFlavour.CLOUD.missingFrom(k));
        assertEquals(List.of("nvme", "e1000", "e1000e"), LinuxFlavour.CLOUD.optionalModules());
    }

    /** What doctor and a build say of a store kept from an older jcap; nothing of a complete or imported kernel. */
    @Test
    void staleness_ofAnOlderPull_saysWhatItLacksAndWhatToRun_ofOthersNothing() {
        Kernel old = withModules("virtio_ring.ko", "virtio.ko", "virtio_pci_modern_dev.ko", "virtio_pci_legacy_dev.ko",
                "virtio_pci.ko", "failover.ko", "net_failover.ko", "virtio_net.ko", "virtio_blk.ko", "virtio-rng.ko",
                "button.ko", "evdev.ko");
        Path folder = Path.of("/k");
        Kernel imported = new Kernel("mine", Kernel.LINUX, KernelKind.BZIMAGE, "6.1", "custom", "test", folder,
                folder.resolve("vmlinuz"), Sha256.of(new byte[0]), List.of());

        assertEquals(java.util.Optional.of("kernel linux lacks modules this version of jcap puts in images (virtio_scsi,"
                + " sd_mod, hv_vmbus, hv_storvsc, hv_netvsc, xen_blkfront, xen_netfront, ena, gve, vmxnet3): run 'jcap"
                + " kernels pull linux' to bring them"), LinuxFlavour.staleness(old));
        assertEquals(java.util.Optional.empty(), LinuxFlavour.staleness(imported));
    }
}
