package io.jcap.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.model.EnvironmentException;
import io.jcap.model.ExitCode;
import io.jcap.model.JcapException;
import io.jcap.testsupport.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AptClientTest {
    @TempDir
    Path temp;

    @Test
    void depends_cloudMetapackage_listsTheVersionedKernelPackage() throws Exception {
        Requirements.require(TestKernels.hasApt(), "apt-get");
        List<String> depends = new AptClient().depends("linux-image-cloud-amd64");
        assertTrue(depends.stream().anyMatch(d -> d.matches("linux-image-6\\.\\d+\\.\\d+-\\d+-cloud-amd64")),
                depends.toString());
    }

    @Test
    void depends_kernelPackage_keepsTheFirstOfAlternatives() throws Exception {
        Requirements.require(TestKernels.hasApt(), "apt-get");
        AptClient apt = new AptClient();
        String versioned = apt.depends("linux-image-cloud-amd64").get(0);
        // Depends: kmod, linux-base (>= 4.3~), initramfs-tools (>= 0.120+deb8u2) | linux-initramfs-tool
        assertEquals(List.of("kmod", "linux-base", "initramfs-tools"), apt.depends(versioned));
    }

    @Test
    void download_unknownPackage_saysToRunAptGetUpdate() {
        Requirements.require(TestKernels.hasApt(), "apt-get");
        EnvironmentException e = assertThrows(EnvironmentException.class,
                () -> new AptClient().download("jcap-no-such-package", temp));
        assertEquals("Debian package jcap-no-such-package is unknown to apt on this machine: run 'apt-get update' "
                + "(as root) and try again", e.getMessage());
        assertEquals(ExitCode.ENVIRONMENT, e.exitCode());
        assertTrue(temp.toFile().list().length == 0, "the download folder is cleaned up");
    }

    @Test
    void depends_unknownPackage_saysToRunAptGetUpdate() {
        Requirements.require(TestKernels.hasApt(), "apt-get");
        EnvironmentException e = assertThrows(EnvironmentException.class,
                () -> new AptClient().depends("jcap-no-such-package"));
        assertEquals("Debian package jcap-no-such-package is unknown to apt on this machine: run 'apt-get update' "
                + "(as root) and try again", e.getMessage());
    }

    @Test
    void download_withoutAptGet_pointsToKernelImport() {
        AptClient apt = new AptClient("/nonexistent/apt-get", "/nonexistent/apt-cache", Duration.ofSeconds(5));
        EnvironmentException e = assertThrows(EnvironmentException.class, () -> apt.download("hello", temp));
        assertEquals("/nonexistent/apt-get is not installed on this machine: jcap downloads Linux kernels as Debian "
                + "packages with apt; elsewhere, import a kernel with 'jcap kernels import FILE' (a .deb or a bzImage)",
                e.getMessage());
    }

    @Test
    void download_nameLookingLikeAnOption_isRefused() {
        JcapException e = assertThrows(JcapException.class, () -> new AptClient().download("-oDebug=1", temp));
        assertEquals("'-oDebug=1' is not a Debian package name (lower-case letters, digits, + - .)", e.getMessage());
        assertTrue(Files.isDirectory(temp));
    }
}
