package io.jcap.builder.family.osv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.model.ByteSize;
import io.jcap.model.JcapException;
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
}
