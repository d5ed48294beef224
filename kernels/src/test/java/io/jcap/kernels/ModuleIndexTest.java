package io.jcap.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The module index of the real Debian cloud kernel, and the modules the real guest init picks
 * from it ({@code jcap-init --modules}) for the modalias strings of devices of each cloud: those
 * QEMU emulates here and those it cannot (ENA, gVNIC, Hyper-V, Xen).
 */
class ModuleIndexTest {
    @TempDir
    Path temp;
    private ModuleIndex index;

    @BeforeEach
    void index() throws Exception {
        index = ModuleIndex.of(TestKernels.cloudStore().get("linux"));
    }

    @Test
    void aliasFile_hasTheCloudDriversLinesAsDepmodWritesThem() {
        String aliases = index.aliasFile();
        for (String line : List.of("alias pci:v00001D0Fd0000EC20sv*sd*bc*sc*i* ena",
                "alias pci:v00001AE0d00000042sv*sd*bc*sc*i* gve", "alias acpi*:VMBUS:* hv_vmbus",
                "alias vmbus:d96361baa104294db60572e2ffb1dc7f hv_storvsc",
                "alias vmbus:635161f83edfc546913ff2d2f965ed0e hv_netvsc", "alias xen:vbd xen_blkfront",
                "alias xen:vif xen_netfront", "alias virtio:d00000008v* virtio_scsi", "alias scsi:t-0x00* sd_mod",
                "alias pci:v000015ADd000007B0sv*sd*bc*sc*i* vmxnet3", "alias virtio:d00000001v* virtio_net")) {
            assertTrue(aliases.contains(line + "\n"), "modules.alias lacks: " + line);
        }
    }

    @Test
    void depFile_listsEveryDependencyBeforeItsUser() {
        String deps = index.depFile();
        assertTrue(deps.contains("\nvirtio_net.ko: virtio_ring.ko virtio.ko failover.ko net_failover.ko\n"), deps);
        assertTrue(deps.contains("\nsd_mod.ko: scsi_common.ko scsi_mod.ko\n"), deps);
        assertTrue(deps.startsWith("virtio_ring.ko:\n"), deps);
    }

    @Test
    void guestInit_picksEachCloudsDriversFromRealModaliasStrings() throws Exception {
        Map<String, String> expected = new java.util.LinkedHashMap<>();
        // AWS Nitro: ENA network card (vendor Amazon 1d0f), NVMe disk (built into the kernel)
        expected.put("pci:v00001D0Fd0000EC20sv00001D0Fsd00000000bc02sc00i00", "ena.ko");
        expected.put("pci:v00001D0Fd00008061sv00001D0Fsd00008061bc01sc08i02", "");
        // GCE: gVNIC (vendor Google 1ae0), virtio-scsi disks seen as SCSI disks
        expected.put("pci:v00001AE0d00000042sv00001AE0sd00000058bc02sc00i00", "gve.ko");
        expected.put("virtio:d00000008v00001AF4", "virtio_ring.ko virtio.ko scsi_common.ko scsi_mod.ko virtio_scsi.ko");
        expected.put("scsi:t-0x00", "scsi_common.ko scsi_mod.ko sd_mod.ko");
        // Azure: the VMBus on ACPI, then its storage and network channels
        expected.put("acpi:VMBUS:", "hv_vmbus.ko");
        expected.put("vmbus:d96361baa104294db60572e2ffb1dc7f",
                "scsi_common.ko scsi_mod.ko hv_vmbus.ko scsi_transport_fc.ko hv_storvsc.ko");
        expected.put("vmbus:635161f83edfc546913ff2d2f965ed0e", "hv_vmbus.ko hv_netvsc.ko");
        // older AWS (Xen): block and network front ends
        expected.put("xen:vbd", "xen-blkfront.ko");
        expected.put("xen:vif", "xen-netfront.ko");
        // OpenStack and QEMU: virtio PCI, its network device, vmxnet3
        expected.put("pci:v00001AF4d00001000sv00001AF4sd00000001bc02sc00i00",
                "virtio_ring.ko virtio.ko virtio_pci_modern_dev.ko virtio_pci_legacy_dev.ko virtio_pci.ko");
        expected.put("virtio:d00000001v00001AF4", "virtio_ring.ko virtio.ko failover.ko net_failover.ko virtio_net.ko");
        expected.put("pci:v000015ADd000007B0sv000015ADsd000007B0bc02sc00i00", "vmxnet3.ko");
        // every machine: the ACPI power button, and its input device (a class device on no bus) for evdev
        expected.put("acpi:LNXPWRBN:", "button.ko");
        expected.put("input:b0019v0000p0001e0000-e0,1,k74,ramlsfw", "evdev.ko");
        // nothing of ours drives a host bridge
        expected.put("pci:v00008086d000029C0sv00001AF4sd00001100bc06sc00i00", "");

        Path dir = Files.createDirectories(temp.resolve("modules"));
        Files.writeString(dir.resolve("modules.alias"), index.aliasFile());
        Files.writeString(dir.resolve("modules.dep"), index.depFile());
        List<String> lines = plan(dir, List.copyOf(expected.keySet()));
        List<String> wanted = new ArrayList<>();
        expected.forEach((modalias, files) -> wanted.add(modalias + ":" + (files.isEmpty() ? "" : " " + files)));
        assertEquals(wanted, lines);
    }

    @Test
    void guestInit_badModulesDep_saysWhichLine() throws Exception {
        Path dir = Files.createDirectories(temp.resolve("bad"));
        Files.writeString(dir.resolve("modules.alias"), "alias xen:vbd xen_blkfront\n");
        Files.writeString(dir.resolve("modules.dep"), "xen-blkfront.ko: missing.ko\n");
        Process p = new ProcessBuilder(init().toString(), "--modules", dir.toString(), "xen:vbd")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue());
        assertEquals("modules.dep: xen-blkfront.ko depends on missing.ko, which has no line of its own\n", out);
    }

    private List<String> plan(Path dir, List<String> modaliases) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(init().toString(), "--modules", dir.toString()));
        command.addAll(modaliases);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out.lines().toList();
    }

    /** The compiled guest init, runnable on the host for its developer commands. */
    private Path init() throws IOException {
        Path file = temp.resolve("jcap-init");
        if (!Files.exists(file)) {
            try (InputStream in = getClass().getResourceAsStream(Initramfs.INIT_RESOURCE)) {
                assertTrue(in != null, "the kernels build compiles the init with musl-gcc");
                Files.copy(in, file);
            }
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        }
        return file;
    }
}
