package io.jcap.builder.family;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.builder.TestMachine;
import io.jcap.hypervisor.Accelerator;
import io.jcap.hypervisor.AcceleratorVerdict;
import io.jcap.hypervisor.qemu.AcceleratorProbe;
import io.jcap.hypervisor.qemu.QemuDriver;
import io.jcap.hypervisor.qemu.QemuInstallation;
import io.jcap.testsupport.RecordedEvents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The accelerator a run or build gets, decided by a real probe guest on this machine. */
class AcceleratorsIT {
    @TempDir
    Path cache;

    @Test
    void kvmAskedFor_isKept_andWarnedAboutExactlyWhenTheProbeFoundItUnusable() throws Exception {
        QemuInstallation qemu = TestMachine.qemu();
        AcceleratorVerdict probed = new AcceleratorProbe(qemu, cache.resolve(QemuDriver.ACCELERATOR_CACHE)).decide();
        RecordedEvents events = new RecordedEvents();

        Accelerator chosen = Accelerators.choose(new QemuDriver(qemu, cache), Optional.of(Accelerator.KVM), events);

        assertEquals(Accelerator.KVM, chosen);
        List<String> warnings = events.lines().stream().filter(l -> l.startsWith("WARN")).toList();
        if (probed.accelerator() == Accelerator.KVM) {
            assertEquals(List.of(), warnings);
        } else {
            assertEquals(1, warnings.size(), events.lines().toString());
            assertTrue(warnings.get(0).contains("--accel kvm: KVM did not work here when probed (" + probed.reason() + ")"),
                    warnings.get(0));
        }
    }

    @Test
    void tcgAskedFor_probesNothing() throws Exception {
        RecordedEvents events = new RecordedEvents();

        Accelerator chosen = Accelerators.choose(new QemuDriver(TestMachine.qemu(), cache), Optional.of(Accelerator.TCG),
                events);

        assertEquals(Accelerator.TCG, chosen);
        assertEquals(List.of("DEBUG Accelerator: tcg (as asked)"), events.lines());
        assertFalse(Files.exists(cache.resolve(QemuDriver.ACCELERATOR_CACHE)), "a probe verdict was cached");
    }

    /** The probe's verdict is said when it is made; a later choice from the cached verdict says it in -v only. */
    @Test
    void automaticChoice_isSaidWhenProbed_andOnlyInVerboseOutputOnceCached() throws Exception {
        QemuDriver driver = new QemuDriver(TestMachine.qemu(), cache);
        RecordedEvents first = new RecordedEvents();
        RecordedEvents second = new RecordedEvents();

        Accelerator chosen = Accelerators.choose(driver, Optional.empty(), first);
        assertEquals(chosen, Accelerators.choose(driver, Optional.empty(), second));

        String said = "INFO Accelerator: " + chosen.qemuName() + " (";
        assertEquals(1, first.lines().stream().filter(l -> l.startsWith(said)).count(), first.lines().toString());
        assertTrue(second.lines().stream().noneMatch(l -> l.startsWith("INFO")), second.lines().toString());
        assertTrue(second.lines().stream().anyMatch(l -> l.startsWith("DEBUG Accelerator: " + chosen.qemuName() + " (")
                && l.endsWith(", probed earlier)")), second.lines().toString());
    }
}
