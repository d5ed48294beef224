package io.jcap.formats.fat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FatWriterTest {
    static final byte[] GRUB = bytes(300_000, 1);
    static final byte[] CFG = "set timeout=0\nlinux /vmlinuz\n".getBytes(StandardCharsets.US_ASCII);

    static byte[] bytes(int length, long seed) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** An ESP, plus an empty file and a directory of 40 files (more than one cluster of entries). */
    static Map<String, byte[]> files() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("/EFI/BOOT/BOOTX64.EFI", GRUB);
        files.put("/EFI/BOOT/GRUB.CFG", CFG);
        files.put("/EMPTY", new byte[0]);
        for (int i = 0; i < 40; i++) {
            files.put("/MANY/F" + i + ".TXT", ("file " + i + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        return files;
    }

    static FatVolume esp(long size) {
        return new FatVolume(size, "JCAP ESP", 0x1234ABCD, files());
    }

    @Test
    void geometry_followsTheClusterCountRules() {
        assertEquals(new FatGeometry(FatType.FAT12, 2048, 1, 6, 2003), FatGeometry.of(1 << 20));
        assertEquals(new FatGeometry(FatType.FAT12, 8192, 2, 12, 4067), FatGeometry.of(4 << 20));
        assertEquals(new FatGeometry(FatType.FAT16, 16384, 2, 32, 8143), FatGeometry.of(8 << 20));
        assertEquals(new FatGeometry(FatType.FAT16, 131072, 4, 128, 32695), FatGeometry.of(64 << 20));
        FatGeometry largest = FatGeometry.of(FatVolume.MAX_BYTES);
        assertEquals(List.of(FatType.FAT16, 64), List.of(largest.type(), largest.sectorsPerCluster()));
        for (long mib = 1; mib <= 2047; mib++) {
            FatGeometry g = FatGeometry.of(mib << 20);
            int count = g.clusterCount();
            String where = mib + " MiB: " + g;
            assertEquals(g.type() == FatType.FAT12, count < 4085, where);
            assertEquals(true, count < 4085 - 16 || (count >= 4085 + 16 && count < 65525 - 16), where);
            assertEquals(true, g.fatSectors() * 512L >= g.type().fatBytes(count), where);
            assertEquals(true, g.clusterOffset(count + 2) <= mib << 20, where);
        }
    }

    @Test
    void write_bootSector_hasTheBpbOfTheSpecification() {
        byte[] image = FatWriter.write(esp(8 << 20));
        assertEquals(8 << 20, image.length);
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals("eb3c904d5357494e342e3100020201000200020040f82000200040000000000000000000",
                HexFormat.of().formatHex(image, 0, 36));
        assertEquals("800029cdab34124a434150204553502020204641543136202020",
                HexFormat.of().formatHex(image, 36, 62));
        assertArrayEquals(BootSector.CODE, java.util.Arrays.copyOfRange(image, 0x3E, 0x58));
        assertEquals(BootSector.MESSAGE, new String(image, 0x58, BootSector.MESSAGE.length(),
                StandardCharsets.US_ASCII));
        assertEquals(0xAA55, b.getShort(510) & 0xFFFF);
    }

    @Test
    void write_fatsAndRoot_startWithMediaEntriesAndLabel() {
        byte[] image = FatWriter.write(esp(8 << 20));
        assertEquals("f8ffffff", HexFormat.of().formatHex(image, 512, 516));
        assertEquals("f8ffffff", HexFormat.of().formatHex(image, 512 + 32 * 512, 516 + 32 * 512));
        int root = 65 * 512;
        assertEquals("JCAP ESP   ", new String(image, root, 11, StandardCharsets.US_ASCII));
        assertEquals(0x08, image[root + 11]);
        assertEquals("EFI        ", new String(image, root + 32, 11, StandardCharsets.US_ASCII));
        assertEquals(0x10, image[root + 32 + 11]);
        // No times (the DOS epoch: date 0x0021, time 0), first cluster 2, size 0.
        assertEquals("0000" + "0000" + "2100" + "2100" + "0000" + "0000" + "2100" + "0200" + "00000000",
                HexFormat.of().formatHex(image, root + 32 + 12, root + 64));
    }

    @Test
    void fat12_entriesPackTwoInThreeBytes() {
        byte[] fat = new byte[6];
        FatType.FAT12.put(fat, 0, 0xFF8);
        FatType.FAT12.put(fat, 1, 0xFFF);
        FatType.FAT12.put(fat, 2, 0x003);
        FatType.FAT12.put(fat, 3, 0xABC);
        assertEquals("f8ffff03c0ab", HexFormat.of().formatHex(fat));
        assertEquals(List.of(0xFF8, 0xFFF, 0x003, 0xABC),
                List.of(FatType.FAT12.get(fat, 0), FatType.FAT12.get(fat, 1), FatType.FAT12.get(fat, 2),
                        FatType.FAT12.get(fat, 3)));
    }

    @Test
    void write_thenRead_givesTheSameFilesLabelSerialAndTime() {
        Instant time = Instant.parse("2024-05-06T07:08:10Z");
        for (long size : List.of(1L << 20, 4L << 20, 8L << 20, 64L << 20)) {
            FatVolume back = FatReader.read(FatWriter.write(new FatVolume(size, "ESP", -5, time, files())));
            assertEquals(List.of(size, "ESP", -5, time), List.of(back.sizeBytes(), back.label(), back.serialNumber(),
                    back.timestamp()));
            assertEquals(files().keySet(), back.files().keySet());
            files().forEach((path, data) -> assertArrayEquals(data, back.files().get(path), path));
        }
    }

    @Test
    void write_sameVolumeInAnotherOrder_sameBytes() {
        Map<String, byte[]> reversed = new LinkedHashMap<>();
        List<String> paths = new java.util.ArrayList<>(files().keySet());
        java.util.Collections.reverse(paths);
        paths.forEach(p -> reversed.put(p, files().get(p)));
        assertArrayEquals(FatWriter.write(esp(8 << 20)),
                FatWriter.write(new FatVolume(8 << 20, "JCAP ESP", 0x1234ABCD, reversed)));
    }

    @Test
    void timestamp_isStoredInDosPacking() {
        Instant t = Instant.parse("2024-05-06T07:08:11Z");
        assertEquals((44 << 9) | (5 << 5) | 6, DirectoryEntry.dosDate(t));
        assertEquals((7 << 11) | (8 << 5) | 5, DirectoryEntry.dosTime(t));
    }
}
