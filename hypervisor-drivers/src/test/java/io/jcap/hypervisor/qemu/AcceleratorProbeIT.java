package io.jcap.hypervisor.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jcap.hypervisor.Accelerator;
import io.jcap.hypervisor.AcceleratorVerdict;
import io.jcap.hypervisor.BootSector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AcceleratorProbeIT {
    private static QemuInstallation qemu;

    @TempDir
    Path dir;

    @BeforeAll
    static void findQemu() throws Exception {
        qemu = QemuTestSupport.qemu();
    }

    @Test
    void boot_tcg_probeGuestAnswers() throws Exception {
        AcceleratorProbe probe = new AcceleratorProbe(qemu, dir.resolve("accel.json"), Duration.ofSeconds(60));

        AcceleratorProbe.ProbeResult result = probe.boot(Accelerator.TCG);

        assertEquals(new AcceleratorProbe.ProbeResult(true, "probe guest answered under tcg within 60 s",
                List.of(BootSector.PROBE_MARKER)), result);
    }

    @Test
    void decide_staleCache_probesAgainThenAnswersFromCache() throws Exception {
        Path cache = dir.resolve("cache/accel.json");
        Files.createDirectories(cache.getParent());
        Files.writeString(cache, "{\"bootId\":\"another-boot\",\"qemuVersion\":\"" + qemu.version()
                + "\",\"accelerator\":\"KVM\",\"reason\":\"from another boot\"}");
        AcceleratorProbe probe = new AcceleratorProbe(qemu, cache);

        AcceleratorVerdict fresh = probe.decide();
        AcceleratorVerdict again = probe.decide();

        assertFalse(fresh.cached());
        assertConsistent(fresh);
        assertEquals(new AcceleratorVerdict(fresh.accelerator(), fresh.reason(), true), again);
        JsonNode stored = new ObjectMapper().readTree(cache.toFile());
        assertEquals(Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip(), stored.path("bootId").asText());
        assertEquals(qemu.version().toString(), stored.path("qemuVersion").asText());
        assertEquals(fresh.accelerator().name(), stored.path("accelerator").asText());
    }

    /** KVM only when the probe guest answered under it; otherwise TCG with one of the known reasons. */
    private static void assertConsistent(AcceleratorVerdict verdict) {
        if (verdict.accelerator() == Accelerator.KVM) {
            assertEquals("probe guest answered under kvm within 3 s", verdict.reason());
        } else {
            String reason = verdict.reason();
            assertTrue(reason.equals("/dev/kvm missing")
                    || reason.equals("/dev/kvm not accessible to this user (add the user to the group kvm)")
                    || reason.equals("probe guest did not answer under kvm within 3 s")
                    || reason.startsWith("qemu failed: ")
                    || reason.startsWith("qemu exited with code "), reason);
        }
    }
}
