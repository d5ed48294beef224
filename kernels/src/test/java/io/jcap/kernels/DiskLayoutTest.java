package io.jcap.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.formats.fat.FatReader;
import io.jcap.formats.fat.FatVolume;
import io.jcap.formats.gpt.GptPartition;
import io.jcap.formats.gpt.GptTable;
import io.jcap.model.JcapException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskLayoutTest {
    private static final long MIB = 1L << 20;
    private static final UUID ROOT = UUID.fromString("9feca82c-5a59-3c38-a600-1ebb80c00546");

    @TempDir
    Path temp;

    @Test
    void write_64MiBDisk_hasTheEspThenABiosBootableRootToTheLastWholeMiB() throws Exception {
        Path disk = disk(64 * MIB);
        byte[] code = new byte[440];
        Arrays.fill(code, (byte) 0xEB);

        DiskLayout.write(disk, code, new byte[] {'M', 'Z', 1}, "boot\n", ROOT);

        GptTable table = GptTable.read(disk);
        GptPartition esp = table.partitions().get(1);
        GptPartition root = table.partitions().get(DiskLayout.ROOT_PARTITION);
        assertEquals(GptPartition.EFI_SYSTEM, esp.type());
        assertEquals(2048, esp.firstLba());
        assertEquals(18431, esp.lastLba());
        assertEquals(GptPartition.LINUX_FILESYSTEM, root.type());
        assertEquals(18432, root.firstLba());
        assertEquals(64 * MIB / 512 - 2048 - 1, root.lastLba());
        assertEquals(GptPartition.LEGACY_BIOS_BOOTABLE, root.attributes());
        byte[] bytes = Files.readAllBytes(disk);
        assertArrayEquals(code, Arrays.copyOf(bytes, 440));
        FatVolume volume = FatReader.read(Arrays.copyOfRange(bytes, 2048 * 512, 18432 * 512));
        assertArrayEquals(new byte[] {'M', 'Z', 1}, volume.files().get("/EFI/BOOT/BOOTX64.EFI"));
        assertArrayEquals("boot\n".getBytes(StandardCharsets.UTF_8), volume.files().get("/EFI/BOOT/GRUB.CFG"));
        assertEquals(10 * MIB, DiskLayout.OVERHEAD_BYTES);
    }

    @Test
    void write_sameRoot_writesTheSameBytes() throws Exception {
        Path a = Files.move(disk(32 * MIB), temp.resolve("a.raw"));
        Path b = disk(32 * MIB);
        DiskLayout.write(a, new byte[0], new byte[] {1}, "x", ROOT);
        DiskLayout.write(b, new byte[0], new byte[] {1}, "x", ROOT);

        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    }

    @Test
    void write_diskTooSmallOrNotWholeMiB_isRefusedWithTheRule() throws Exception {
        JcapException small = assertThrows(JcapException.class,
                () -> DiskLayout.write(disk(10 * MIB), new byte[0], new byte[0], "", ROOT));
        assertEquals("a Linux image's disk of 10485760 bytes is not allowed: it must be a whole number of MiB, at least"
                + " 11 MiB", small.getMessage());
        assertThrows(JcapException.class, () -> DiskLayout.write(disk(20 * MIB + 512), new byte[0], new byte[0], "",
                ROOT));
    }

    private Path disk(long bytes) throws Exception {
        Path disk = temp.resolve("disk.raw");
        try (RandomAccessFile file = new RandomAccessFile(disk.toFile(), "rw")) {
            file.setLength(bytes);
        }
        return disk;
    }
}
