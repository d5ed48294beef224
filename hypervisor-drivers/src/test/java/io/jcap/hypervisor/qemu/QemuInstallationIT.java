package io.jcap.hypervisor.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QemuInstallationIT {
    @Test
    void detect_envVar_usesThatBinaryAndFindsQemuImgBesideIt() throws Exception {
        QemuInstallation found = QemuTestSupport.qemu();

        QemuInstallation viaEnv = QemuInstallation.detect(Map.of("JCAP_QEMU", found.qemuSystem().toString(), "PATH", ""));

        assertEquals(found.qemuSystem(), viaEnv.qemuSystem());
        assertEquals(found.version(), viaEnv.version());
        assertTrue(viaEnv.version().isAtLeast(QemuVersion.MINIMUM));
        Path img = found.qemuSystem().resolveSibling("qemu-img");
        if (Files.isExecutable(img)) {
            assertEquals(img, viaEnv.qemuImg());
        }
    }
}
