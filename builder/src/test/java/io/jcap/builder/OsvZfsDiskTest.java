package io.jcap.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.hypervisor.Accelerator;
import io.jcap.hypervisor.PortForward;
import io.jcap.hypervisor.VmSpec;
import io.jcap.model.ByteSize;
import io.jcap.model.JcapException;
import io.jcap.model.PortMapping;
import io.jcap.model.Sha256;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** ZFS disk sizes and the QEMU guest an OSv image runs in. */
class OsvZfsDiskTest {
    private static final long MIB = 1 << 20;

    @Test
    void diskBytes_default_is256MiBOfZfsAfterTheLoaderArea() throws Exception {
        assertEquals(2 * MIB + 256 * MIB, OsvZfsDisk.diskBytes(300 * 1024, 1000, Optional.empty()));
        assertEquals(6 * MIB + 256 * MIB, OsvZfsDisk.diskBytes(5 * MIB, 1000, Optional.empty()));
    }

    @Test
    void diskBytes_largeContent_growsThePartition() throws Exception {
        // 400 MiB of files + a quarter + 32 MiB = 532 MiB of ZFS.
        assertEquals(2 * MIB + 532 * MIB, OsvZfsDisk.diskBytes(300 * 1024, 400 * MIB, Optional.empty()));
    }

    @Test
    void diskBytes_givenSize_isTheWholeDiskRoundedToMiB() throws Exception {
        assertEquals(100 * MIB, OsvZfsDisk.diskBytes(300 * 1024, 1000, Optional.of(ByteSize.ofBytes(100 * MIB - 5))));
    }

    @Test
    void diskBytes_sizeLeavingLessThan64MiBOfZfs_isRefused() {
        JcapException e = assertThrows(JcapException.class,
                () -> OsvZfsDisk.diskBytes(300 * 1024, 1000, Optional.of(ByteSize.ofMebibytes(64))));
        assertEquals("size 64M leaves 62 MiB for ZFS after the 2 MiB loader area, which needs 64 MiB (at least 64 MiB"
                + " for OSv's mkfs, and the files plus a quarter plus 32 MiB): use size: 66M or more, or leave size out",
                e.getMessage());
    }

    @Test
    void runSpec_bootsTheDiskWithVirtioNetRngAndLoopbackForwards() {
        ImageMetadata m = new ImageMetadata("app", Instant.EPOCH, Sha256.of(new byte[0]), null, "osv", null,
                "--rootfs=rofs /hello", "rofs", 3 * MIB, MIB, Sha256.of(new byte[1]), null, 256, 2, List.of(), 0);
        VmSpec spec = OsvRunner.spec(m, Path.of("/tmp/overlay.qcow2"),
                List.of(PortMapping.parse("8080:80"), PortMapping.parse("53/udp")), Accelerator.TCG);
        assertEquals(256, spec.memoryMiB());
        assertEquals(2, spec.cpus());
        assertEquals(0, spec.drives().get(0).bootIndex().getAsInt());
        assertEquals(true, spec.rng());
        assertEquals(true, spec.userNetwork());
        assertEquals(true, spec.noReboot());
        assertEquals(Optional.empty(), spec.kernel());
        assertEquals(List.of(new PortForward("127.0.0.1", 8080, 80, PortForward.Protocol.TCP),
                new PortForward("127.0.0.1", 53, 53, PortForward.Protocol.UDP)), spec.portForwards());
    }
}
