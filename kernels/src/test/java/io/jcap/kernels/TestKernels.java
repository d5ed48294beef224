package io.jcap.kernels;

import io.jcap.host.HostTool;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import io.jcap.testsupport.Requirements;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The real Debian cloud kernel package, downloaded once with apt into {@code target/test-kernel-cache}
 * and stored once in a kernel store there, shared by the tests of a run and reused by later runs.
 */
final class TestKernels {
    /** The modules jcap stores from Debian 12's cloud kernel, in load order. */
    static final List<String> CLOUD_LOAD_ORDER = List.of("virtio_ring.ko", "virtio.ko", "virtio_pci_modern_dev.ko",
            "virtio_pci_legacy_dev.ko", "virtio_pci.ko", "failover.ko", "net_failover.ko", "virtio_net.ko",
            "virtio_blk.ko", "virtio-rng.ko", "button.ko", "evdev.ko", "scsi_common.ko", "scsi_mod.ko",
            "virtio_scsi.ko", "sd_mod.ko", "hv_vmbus.ko", "scsi_transport_fc.ko", "hv_storvsc.ko", "hv_netvsc.ko",
            "xen-blkfront.ko", "xen-netfront.ko", "ena.ko", "gve.ko", "vmxnet3.ko");
    static final Path CACHE = Path.of("target", "test-kernel-cache").toAbsolutePath();
    private static Path deb;
    private static KernelStore store;

    private TestKernels() {
    }


    static boolean hasApt() {
        return HostTool.find("apt-get").isPresent() && HostTool.find("apt-cache").isPresent();
    }

    /** The cloud kernel package, from the cache or downloaded into it. */
    static synchronized Path cloudDeb() throws JcapException, IOException {
        if (deb != null) {
            return deb;
        }
        Path folder = CACHE.resolve("debs");
        List<Path> cached = new ArrayList<>();
        if (Files.isDirectory(folder)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "linux-image-*-cloud-amd64_*.deb")) {
                files.forEach(cached::add);
            }
        }
        if (!cached.isEmpty()) {
            cached.sort(null);
            deb = cached.get(cached.size() - 1);
            return deb;
        }
        Requirements.require(hasApt(), "apt-get");
        AptClient apt = new AptClient();
        String versioned = apt.depends(LinuxFlavour.CLOUD.metapackage()).stream()
                .filter(n -> n.startsWith("linux-image-")).findFirst().orElseThrow();
        deb = apt.download(versioned, folder);
        return deb;
    }

    /** A store holding the cloud kernel as {@code linux}. */
    static synchronized KernelStore cloudStore() throws JcapException, IOException {
        if (store != null) {
            return store;
        }
        // Named after the module list an import extracts, so a changed list stores the kernel again.
        KernelStore candidate = new KernelStore(CACHE.resolve("store-"
                + Integer.toHexString(java.util.Objects.hash(LinuxFlavour.GENERIC.modules(),
                        LinuxFlavour.GENERIC.optionalModules()))));
        try {
            if (candidate.get("linux").origin().contains(cloudDeb().toString())) {
                store = candidate;
                return store;
            }
        } catch (JcapException e) {
            // Not stored yet, or damaged: store it again below.
        }
        new LinuxKernels(new AptClient()).importKernel(cloudDeb(), "linux", candidate, EventSink.NONE);
        store = candidate;
        return store;
    }
}
