package io.jcap.hypervisor.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class LibvirtProbeTest {
    @Test
    void version_packedNumbers_readAsMajorMinorRelease() {
        assertEquals("9.0.0", LibvirtProbe.version(9_000_000));
        assertEquals("7.2.22", LibvirtProbe.version(7_002_022));
        assertEquals("10.10.1", LibvirtProbe.version(10_010_001));
    }

    @Test
    void status_reachableWithProblem_isRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LibvirtStatus(LibvirtUri.SYSTEM, true, Optional.empty(), Optional.empty(),
                        Optional.of("down"), Optional.empty()));

        assertEquals("a libvirt status has a problem exactly when it is unreachable", e.getMessage());
    }
}
