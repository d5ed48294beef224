package io.jcap.hypervisor.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.model.EnvironmentException;
import io.jcap.model.ExitCode;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QemuVersionTest {
    @Test
    void parse_debianVersionOutput_readsAllThreeParts() throws Exception {
        QemuVersion v = QemuVersion.parse("QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)\n"
                + "Copyright (c) 2003-2022 Fabrice Bellard and the QEMU Project developers\n");

        assertEquals(new QemuVersion(7, 2, 22), v);
        assertEquals("7.2.22", v.toString());
    }

    @Test
    void parse_twoPartVersion_hasMicroZero() throws Exception {
        assertEquals(new QemuVersion(8, 0, 0), QemuVersion.parse("QEMU emulator version 8.0"));
    }

    @Test
    void parse_noVersion_saysWhatWasExpected() {
        EnvironmentException e = assertThrows(EnvironmentException.class, () -> QemuVersion.parse("bash: foo\n"));

        assertEquals("cannot read the QEMU version from 'bash: foo': expected 'QEMU emulator version X.Y.Z';"
                + " set JCAP_QEMU to a qemu-system-x86_64 binary", e.getMessage());
    }

    @Test
    void isAtLeast_comparesNumerically() {
        assertTrue(new QemuVersion(6, 10, 0).isAtLeast(QemuVersion.MINIMUM));
        assertTrue(new QemuVersion(6, 2, 0).isAtLeast(QemuVersion.MINIMUM));
        assertFalse(new QemuVersion(6, 1, 9).isAtLeast(QemuVersion.MINIMUM));
        assertFalse(new QemuVersion(5, 99, 0).isAtLeast(QemuVersion.MINIMUM));
    }

    @Test
    void requireSupported_tooOld_namesVersionBinaryAndMinimum() {
        EnvironmentException e = assertThrows(EnvironmentException.class,
                () -> QemuInstallation.requireSupported(new QemuVersion(5, 2, 0), Path.of("/opt/qemu/bin/qemu-system-x86_64")));

        assertEquals("QEMU 5.2.0 at /opt/qemu/bin/qemu-system-x86_64 is too old: jcap needs 6.2 or newer;"
                + " install a newer qemu-system-x86 or set JCAP_QEMU", e.getMessage());
        assertEquals(ExitCode.ENVIRONMENT, e.exitCode());
    }

    @Test
    void locateSystem_nothingOnPath_saysHowToInstall() {
        EnvironmentException e = assertThrows(EnvironmentException.class,
                () -> QemuInstallation.locateSystem(Map.of("PATH", "/nonexistent-jcap-dir")));

        assertEquals("QEMU not found: install qemu-system-x86 (apt-get install qemu-system-x86) or set JCAP_QEMU",
                e.getMessage());
    }

    @Test
    void locateSystem_envVarNamesMissingFile_saysSo() {
        EnvironmentException e = assertThrows(EnvironmentException.class,
                () -> QemuInstallation.locateSystem(Map.of("JCAP_QEMU", "/nonexistent/qemu", "PATH", "/usr/bin")));

        assertEquals("JCAP_QEMU names /nonexistent/qemu which is not an executable file:"
                + " point it at qemu-system-x86_64 or unset it", e.getMessage());
    }
}
