package io.jcap.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.model.EnvironmentException;
import io.jcap.model.JcapException;
import io.jcap.testsupport.Requirements;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootLoaderTest {
    private static final long MIB = 1024 * 1024;

    @TempDir
    Path temp;

    @Test
    void writeMbr_64MiBDisk_writesSyslinuxCodeAndOneBootablePartitionFrom1MiB() throws Exception {
        Requirements.require(Files.isRegularFile(BootLoader.SYSLINUX_MBR), "syslinux-common's mbr.bin");
        Path disk = temp.resolve("disk.raw");
        try (RandomAccessFile file = new RandomAccessFile(disk.toFile(), "rw")) {
            file.setLength(64 * MIB);
            file.write(new byte[] {1, 2, 3});
            file.seek(512);
            file.write(new byte[] {7, 7});
        }
        new BootLoader().writeMbr(disk);
        byte[] start = new byte[1024];
        try (RandomAccessFile file = new RandomAccessFile(disk.toFile(), "r")) {
            file.readFully(start);
            assertEquals(64 * MIB, file.length());
        }
        byte[] code = Files.readAllBytes(BootLoader.SYSLINUX_MBR);
        assertArrayEquals(code, Arrays.copyOfRange(start, 0, code.length));
        assertArrayEquals(new byte[6], Arrays.copyOfRange(start, 440, 446), "disk signature and reserved bytes");
        // 64 MiB = 131072 sectors; the partition covers sectors 2048..131071 (129024 = 0x1F800 sectors).
        // CHS of 2048 with 255 heads x 63 sectors: cylinder 0, head 32, sector 33;
        // of 131071: cylinder 8, head 40, sector 32 (cylinder bits 8-9 are 0, so the sector byte is 0x20).
        byte[] partition1 = {(byte) 0x80, 0x20, 0x21, 0x00, (byte) 0x83, 0x28, 0x20, 0x08,
            0x00, 0x08, 0x00, 0x00, 0x00, (byte) 0xF8, 0x01, 0x00};
        assertArrayEquals(partition1, Arrays.copyOfRange(start, 446, 462));
        assertArrayEquals(new byte[48], Arrays.copyOfRange(start, 462, 510), "partitions 2 to 4 are empty");
        assertArrayEquals(new byte[] {0x55, (byte) 0xAA}, Arrays.copyOfRange(start, 510, 512));
        assertArrayEquals(new byte[] {7, 7}, Arrays.copyOfRange(start, 512, 514), "sector 1 is left alone");
    }

    @Test
    void chs_beyondCylinder1023_isCappedAt1023Heads254Sector63() {
        // 10 GiB disk, last sector 20971519: cylinder 1305 does not fit in 10 bits.
        assertArrayEquals(new byte[] {(byte) 0xFE, (byte) 0xFF, (byte) 0xFF}, BootLoader.chs(20971519));
        // Cylinder 1023 exactly, head 0, sector 1: the sector byte carries cylinder bits 8-9 (0xC0).
        assertArrayEquals(new byte[] {0x00, (byte) 0xC1, (byte) 0xFF}, BootLoader.chs(1023L * 255 * 63));
    }

    @Test
    void masterBootRecord_diskOfOneMiB_isTooSmall() throws Exception {
        Path code = Files.write(temp.resolve("mbr.bin"), new byte[440]);
        JcapException e = assertThrows(JcapException.class, () -> new BootLoader(code).masterBootRecord(MIB));
        assertEquals("a disk of 1048576 bytes cannot hold a partition at 1 MiB: it must be a multiple of 512 bytes "
                + "and larger than 1 MiB", e.getMessage());
    }

    @Test
    void masterBootRecord_withoutSyslinuxCode_namesThePackage() {
        Path missing = temp.resolve("mbr.bin");
        EnvironmentException e = assertThrows(EnvironmentException.class,
                () -> new BootLoader(missing).masterBootRecord(64 * MIB));
        assertEquals("the syslinux MBR boot code " + missing + " is missing: install the Debian package "
                + "syslinux-common", e.getMessage());
    }

    @Test
    void extlinuxConfig_bootsTheImageKernelWithoutPrompt() {
        assertEquals("""
                DEFAULT linux
                PROMPT 0
                TIMEOUT 0
                LABEL linux
                  LINUX /boot/vmlinuz
                  INITRD /boot/initrd.img
                  APPEND console=ttyS0 jcap.mode=run
                """, BootLoader.extlinuxConfig("console=ttyS0 jcap.mode=run"));
    }
}
