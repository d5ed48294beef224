package io.jcap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.hypervisor.libvirt.LibvirtStatus;
import io.jcap.hypervisor.libvirt.LibvirtUri;
import io.jcap.kernels.Kernel;
import io.jcap.kernels.KernelKind;
import io.jcap.model.Sha256;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DoctorCommandTest {
    @Test
    void libvirtLine_reachableDaemon_isOkWithItsVersion() {
        LibvirtStatus status = new LibvirtStatus(LibvirtUri.SYSTEM, true, Optional.of("9.0.0"), Optional.of("7.2.22"),
                Optional.empty(), Optional.empty());

        assertEquals("[ok  ] libvirt 9.0.0 at qemu:///system", DoctorCommand.libvirtLine(status));
    }

    @Test
    void libvirtLine_unreachableDaemon_isANoteWithReasonAndHint() {
        LibvirtStatus status = new LibvirtStatus(LibvirtUri.SYSTEM, false, Optional.empty(), Optional.empty(),
                Optional.of("Failed to connect socket to '/var/run/libvirt/libvirt-sock': No such file or directory"),
                Optional.of("libvirtd is not running: start it"));

        assertEquals("[note] libvirt not reachable at qemu:///system: Failed to connect socket to"
                + " '/var/run/libvirt/libvirt-sock': No such file or directory (libvirtd is not running: start it)",
                DoctorCommand.libvirtLine(status));
    }

    @Test
    void libvirtLine_unreachableWithoutHint_endsWithTheReason() {
        LibvirtStatus status = new LibvirtStatus(LibvirtUri.SYSTEM, false, Optional.empty(), Optional.empty(),
                Optional.of("cannot load the libvirt client library (libvirt.so.0)"), Optional.empty());

        assertEquals("[note] libvirt not reachable at qemu:///system: cannot load the libvirt client library"
                + " (libvirt.so.0)", DoctorCommand.libvirtLine(status));
    }

    @Test
    void noLinuxKernel_onlyOsvKernels_isANoteSayingHowToGetOne(@TempDir Path temp) {
        Kernel osv = kernel("osv", Kernel.OSV, KernelKind.OSV_LOADER, temp);
        Kernel linux = kernel("linux", Kernel.LINUX, KernelKind.BZIMAGE, temp);

        assertEquals(Optional.of("no Linux kernel: only OSv images build here; Linux images (the default when a"
                + " Capstanfile names no kernel) need one: run jcap kernels pull linux"),
                DoctorCommand.noLinuxKernel(List.of(osv)));
        assertEquals(Optional.empty(), DoctorCommand.noLinuxKernel(List.of(osv, linux)));
        assertEquals(Optional.empty(), DoctorCommand.noLinuxKernel(List.of()), "an empty store fails on its own");
    }

    private static Kernel kernel(String name, String family, KernelKind kind, Path folder) {
        return new Kernel(name, family, kind, "1", "custom", "test", folder, folder.resolve("image"),
                new Sha256("0".repeat(64)), List.of());
    }

    @Test
    void doctor_neitherQemuNorQemuImgOnPath_failsBothAtOnce(@TempDir Path temp)
            throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"),
                Jcap.class.getName(), "doctor");
        builder.environment().put("JCAP_HOME", temp.resolve("home").toString());
        builder.environment().put("PATH", temp.resolve("empty").toString());
        builder.environment().remove("JCAP_QEMU");
        builder.redirectErrorStream(true);
        Process p = builder.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        assertEquals(3, p.exitValue(), out);
        assertTrue(out.contains("QEMU not found"), out);
        assertTrue(out.contains("qemu-img not found on PATH: install qemu-utils (apt-get install qemu-utils)"), out);
    }
}
