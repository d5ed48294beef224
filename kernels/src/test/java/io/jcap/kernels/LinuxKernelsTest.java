package io.jcap.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import io.jcap.testsupport.RecordedEvents;
import io.jcap.testsupport.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinuxKernelsTest {

    @TempDir
    Path temp;

    @Test
    void pull_cloud_storesKernelAndVirtioModulesInLoadOrder() throws Exception {
        Requirements.require(TestKernels.hasApt(), "apt-get");
        KernelStore store = new KernelStore(temp.resolve("kernels"));
        RecordedEvents events = new RecordedEvents();
        Kernel kernel = new LinuxKernels(new AptClient()).pull(LinuxFlavour.CLOUD, store, events);
        assertEquals("linux", kernel.name());
        assertEquals("cloud", kernel.flavour());
        assertTrue(kernel.version().matches("6\\.\\d+\\.\\d+-\\d+-cloud-amd64"), kernel.version());
        assertTrue(kernel.origin().startsWith("apt:linux-image-" + kernel.version() + "="), kernel.origin());
        assertEquals(TestKernels.CLOUD_LOAD_ORDER, kernel.loadOrder());
        assertTrue(BzImage.isBzImage(kernel.vmlinuz()));
        assertEquals(kernel, store.get("linux"));
        String stored = events.lines().get(events.lines().size() - 1);
        assertTrue(stored.startsWith("INFO Stored kernel linux " + kernel.version() + " from linux-image-"), stored);
    }

    @Test
    void importKernel_bareBzImage_storesItWithoutModulesAndWarns() throws Exception {
        Kernel cloud = TestKernels.cloudStore().get("linux");
        Path image = Files.copy(cloud.vmlinuz(), temp.resolve("bzImage"));
        KernelStore store = new KernelStore(temp.resolve("kernels"));
        RecordedEvents events = new RecordedEvents();
        Kernel kernel = new LinuxKernels(new AptClient()).importKernel(image, "mine", store, events);
        assertEquals(List.of(), kernel.modules());
        assertEquals(cloud.version(), kernel.version());
        assertEquals("custom", kernel.flavour());
        assertEquals("file:" + image, kernel.origin());
        assertEquals(cloud.vmlinuzSha256(), kernel.vmlinuzSha256());
        assertEquals("WARN Kernel " + image + " is imported without modules: it boots only if virtio_pci, virtio_blk, "
                + "virtio_net and ext4 are built into it", events.lines().get(0));
    }

    @Test
    void importKernel_debianPackage_extractsTheSameModulesAsPull() throws Exception {
        Kernel kernel = TestKernels.cloudStore().get("linux");
        assertEquals(TestKernels.CLOUD_LOAD_ORDER, kernel.loadOrder());
        assertEquals("cloud", kernel.flavour());
        assertTrue(kernel.origin().startsWith("deb:" + TestKernels.cloudDeb() + " (linux-image-"), kernel.origin());
        assertEquals(BzImage.release(kernel.vmlinuz()).orElseThrow(), kernel.version());
    }

    /** A hand-made package whose vmlinuz is no kernel used to be stored, and doctor then called it verified. */
    @Test
    void importKernel_debianPackageWhoseVmlinuzIsNoKernel_isRefused() throws Exception {
        StringBuilder builtin = new StringBuilder();
        for (String module : LinuxFlavour.GENERIC.modules()) {
            builtin.append("kernel/drivers/").append(module).append(".ko\n");
        }
        Path deb = TinyDeb.write(temp.resolve("evil.deb"), "Package: linux-image-6.1.0-evil\nVersion: 1\n"
                + "Architecture: amd64\nDescription: not a kernel\n", java.util.Map.of(
                "./boot/vmlinuz-6.1.0-evil", "just text".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "./lib/modules/6.1.0-evil/modules.builtin", builtin.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        KernelStore store = new KernelStore(temp.resolve("kernels"));

        JcapException e = assertThrows(JcapException.class, () -> new LinuxKernels(new AptClient())
                .importKernel(deb, "evil", store, EventSink.NONE));

        assertEquals("the vmlinuz of " + deb + " is not a Linux kernel image (no HdrS signature at offset 0x202): import a"
                + " linux-image package of Debian's, or a bzImage", e.getMessage());
        assertFalse(store.contains("evil"));
    }

    @Test
    void importKernel_fileThatIsNeither_saysWhatIsAccepted() throws Exception {
        Path file = Files.writeString(temp.resolve("notes.txt"), "not a kernel");
        JcapException e = assertThrows(JcapException.class, () -> new LinuxKernels(new AptClient())
                .importKernel(file, "mine", new KernelStore(temp.resolve("kernels")), EventSink.NONE));
        assertEquals(file + " is neither a Debian package nor a Linux kernel image (no HdrS signature at offset 0x202): "
                + "import a linux-image .deb or a bzImage (vmlinuz)", e.getMessage());
    }

    @Test
    void importKernel_bzImageCutShort_isRefused_andTheWholeOneIsStored() throws Exception {
        byte[] whole = Files.readAllBytes(TestKernels.cloudStore().get("linux").vmlinuz());
        KernelStore store = new KernelStore(temp.resolve("kernels"));
        for (int length : new int[] {100_000, 600}) {
            Path cut = Files.write(temp.resolve("cut-" + length), java.util.Arrays.copyOf(whole, length));
            JcapException e = assertThrows(JcapException.class, () -> new LinuxKernels(new AptClient())
                    .importKernel(cut, "cut", store, EventSink.NONE));
            assertTrue(e.getMessage().startsWith(cut + " is a Linux kernel image cut short: its header announces "),
                    e.getMessage());
        }
        assertEquals(List.of(), store.list(), "nothing stored");
        Path full = Files.write(temp.resolve("vmlinuz"), whole);
        assertEquals("whole", new LinuxKernels(new AptClient()).importKernel(full, "whole", store, EventSink.NONE).name());
    }

    @Test
    void loadOrder_putsDependenciesFirstAndOtherwiseKeepsTheWantedOrder() throws Exception {
        Map<String, List<String>> depends = Map.of("virtio_net", List.of("virtio_ring", "virtio", "net_failover"),
                "net_failover", List.of("failover"), "virtio", List.of("virtio_ring"));
        assertEquals(List.of("virtio_ring", "virtio", "failover", "net_failover", "virtio_net", "virtio_blk"),
                KernelModules.loadOrder(List.of("virtio_net", "virtio_blk", "failover"), depends));
    }

    @Test
    void loadOrder_cycle_isReported() {
        JcapException e = assertThrows(JcapException.class,
                () -> KernelModules.loadOrder(List.of("a"), Map.of("a", List.of("b"), "b", List.of("a"))));
        assertEquals("kernel modules depend on each other in a cycle: a -> b -> a", e.getMessage());
    }

    @Test
    void moduleName_replacesDashesAndDropsCompressionSuffixes() {
        assertEquals("crc32c_intel", KernelModules.moduleName("crc32c-intel.ko"));
        assertEquals("virtio_net", KernelModules.moduleName("virtio_net.ko.xz"));
        assertEquals("virtio_blk", KernelModules.moduleOf("usr/lib/modules/6.12.0-1-amd64/kernel/drivers/block/"
                + "virtio_blk.ko.xz").orElseThrow());
    }

    @Test
    void flavour_unknownName_listsTheKnownOnes() {
        JcapException e = assertThrows(JcapException.class, () -> LinuxFlavour.parse("tiny"));
        assertEquals("unknown kernel flavour 'tiny': use cloud or generic", e.getMessage());
    }
}
