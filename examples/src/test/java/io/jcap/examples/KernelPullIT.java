package io.jcap.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jcap.builder.api.JcapHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** jcap kernels pull linux with a kernel stored by an older jcap that wanted fewer modules. */
class KernelPullIT {
    /** What jcap stores now and an older jcap did not: the power button's and the clouds' drivers. */
    private static final Set<String> DROPPED = Set.of("modules/button.ko", "modules/evdev.ko", "modules/scsi_common.ko",
            "modules/scsi_mod.ko", "modules/virtio_scsi.ko", "modules/sd_mod.ko", "modules/hv_vmbus.ko",
            "modules/scsi_transport_fc.ko", "modules/hv_storvsc.ko", "modules/hv_netvsc.ko", "modules/xen-blkfront.ko",
            "modules/xen-netfront.ko", "modules/ena.ko", "modules/gve.ko", "modules/vmxnet3.ko");

    @TempDir
    Path temp;

    @Test
    void pull_kernelLackingModules_isPulledAgain() throws Exception {
        JcapProcess.requireMachine();
        Path source = JcapHome.fromEnvironment().kernels().resolve("linux");
        if (!Files.isDirectory(source)) {
            JcapProcess.withKernels(temp.resolve("unused"));
        }
        JcapProcess jcap = JcapProcess.empty(temp.resolve("home"));
        Path kernel = jcap.home.resolve("kernels/linux");
        Files.createDirectories(kernel.resolve("modules"));
        try (var files = Files.walk(source)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, kernel.resolve(source.relativize(f).toString()));
            }
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode manifest = (ObjectNode) json.readTree(kernel.resolve("kernel.json").toFile());
        ArrayNode files = (ArrayNode) manifest.get("files");
        for (int i = files.size() - 1; i >= 0; i--) {
            if (DROPPED.contains(files.get(i).get("path").asText())) {
                files.remove(i);
            }
        }
        ArrayNode order = (ArrayNode) manifest.get("moduleLoadOrder");
        for (int i = order.size() - 1; i >= 0; i--) {
            if (DROPPED.contains("modules/" + order.get(i).asText())) {
                order.remove(i);
            }
        }
        json.writeValue(kernel.resolve("kernel.json").toFile(), manifest);
        for (String dropped : DROPPED) {
            Files.deleteIfExists(kernel.resolve(dropped));
        }

        JcapProcess.Result pull = jcap.run("kernels", "pull", "linux");
        assertEquals(0, pull.exitCode(), pull.toString());
        assertTrue(pull.err().contains("kernel linux lacks modules this version of jcap puts in images (button, evdev,"
                + " virtio_scsi, sd_mod, hv_vmbus, hv_storvsc, hv_netvsc, xen_blkfront, xen_netfront, ena, gve, vmxnet3):"
                + " pulling it again"), pull.toString());
        for (String dropped : DROPPED) {
            assertTrue(Files.isRegularFile(kernel.resolve(dropped)), dropped + " " + pull);
        }

        JcapProcess.Result again = jcap.run("kernels", "pull", "linux");
        assertTrue(again.out().endsWith(" is present and verified\n"), again.toString());
    }
}
