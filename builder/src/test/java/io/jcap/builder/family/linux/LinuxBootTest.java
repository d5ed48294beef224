package io.jcap.builder.family.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class LinuxBootTest {
    private static final long MIB = 1 << 20;

    @Test
    void inodesFor_fewFiles_leavesMke2fsItsDefault() {
        assertEquals(0, LinuxBoot.inodesFor(64 * MIB, 100));
        assertEquals(0, LinuxBoot.inodesFor(1024 * MIB, 50_000));
    }

    @Test
    void inodesFor_moreFilesThanTheDefault_asksForThemAndAQuarterMore() {
        // 64 MiB: mke2fs makes one inode per 4 KiB, 16 384.
        assertEquals(20_000 + 5_000 + 1024, LinuxBoot.inodesFor(64 * MIB, 20_000));
        // 1 GiB: one per 16 KiB, 65 536; the 100 000 files that once ran out.
        assertEquals(100_000 + 25_000 + 1024, LinuxBoot.inodesFor(1024 * MIB, 100_000));
        // just above the default of a 511 MiB disk (130 816)
        assertEquals(0, LinuxBoot.inodesFor(511 * MIB, 103_830));
        assertEquals(104_000 + 26_000 + 1024, LinuxBoot.inodesFor(511 * MIB, 104_000));
    }

    @Test
    void builderAppend_setsInodesOnlyWhenNeeded() {
        UUID root = UUID.fromString("0b5d7a55-1f2c-4c1e-9a37-5e1a8d3c2b10");
        assertTrue(LinuxBoot.builderAppend("ext4", root, 64 * MIB, 10).endsWith("jcap.fs=ext4 jcap.uuid=" + root
                + " jcap.port=10000"));
        assertTrue(LinuxBoot.builderAppend("ext2", root, 64 * MIB, 20_000).endsWith("jcap.fs=ext2 jcap.uuid=" + root
                + " jcap.port=10000"
                + " jcap.inodes=26024"));
    }

    @Test
    void runAppend_namesTheRootByUuid_andLogsOnTheSerialConsoleAt115200() {
        UUID root = LinuxBoot.rootUuid("hello");
        assertEquals("console=tty0 console=ttyS0,115200 quiet loglevel=3 panic=-1 no_timer_check jcap.mode=run"
                + " jcap.root=UUID=" + root + " jcap.fs=ext4", LinuxBoot.runAppend("ext4", root));
    }

    @Test
    void rootUuid_sameNameSameUuid_otherNameOther() {
        assertEquals(LinuxBoot.rootUuid("hello"), LinuxBoot.rootUuid("hello"));
        assertNotEquals(LinuxBoot.rootUuid("hello"), LinuxBoot.rootUuid("hello2"));
    }
}
