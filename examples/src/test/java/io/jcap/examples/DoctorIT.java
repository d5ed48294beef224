package io.jcap.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.testsupport.Component;
import io.jcap.testsupport.Requirements;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** jcap doctor on this machine: what the default path needs, and how to fix what is missing. */
class DoctorIT {
    @TempDir
    Path temp;

    @Test
    void doctor_withKernel_reportsEverythingOkAndExits0() throws Exception {
        JcapProcess jcap = JcapProcess.withKernels(temp.resolve("home"));
        JcapProcess.Result r = jcap.run("doctor");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("\\[ok  ] QEMU \\d+\\.\\d+\\.\\d+ at .*qemu-system-x86_64")),
                r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("[ok  ] kernel linux ") && l.endsWith(" verified (SHA-256)")),
                r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("[ok  ] accelerator ") || l.startsWith("[note] accelerator tcg: ")),
                r.out());
        assertTrue(r.out().contains("[ok  ] guest init present"), r.out());
        // libvirt is optional for jcap but part of this machine's test setup (scripts/start-services.sh).
        boolean libvirtd = Requirements.expected(Component.LIBVIRT);
        String libvirt = libvirtd ? "\\[ok  ] libvirt \\d+\\.\\d+\\.\\d+ at qemu:///system"
                : "\\[note] libvirt not reachable at qemu:///system: .+";
        assertTrue(r.out().lines().anyMatch(l -> l.matches(libvirt)), r.out());
    }

    @Test
    void doctor_withoutKernel_saysHowToFixAndExits3() throws Exception {
        JcapProcess.requireMachine();
        JcapProcess jcap = JcapProcess.empty(temp.resolve("home"));
        JcapProcess.Result r = jcap.run("doctor");
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.out().contains("[FAIL] no kernel in " + jcap.home.resolve("kernels")
                + ": run jcap kernels pull linux\n"), r.out());
    }
}
