package io.jcap.formats.fat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FatVolumeTest {
    private static String refused(long size, String label, Map<String, byte[]> files) {
        return assertThrows(IllegalArgumentException.class,
                () -> FatWriter.write(new FatVolume(size, label, 1, files))).getMessage();
    }

    @Test
    void names_thatAreNot83UpperCase_areRefusedWithTheRule() {
        String rule = "an 8.3 name has 1 to 8 characters, optionally a dot and 1 to 3 more, of A-Z 0-9 ! # $ % & ' ( )"
                + " - @ ^ _ ` { } ~ (upper-case only)";
        assertEquals("'bootx64.efi' in /EFI/BOOT/bootx64.efi is not an 8.3 name: " + rule,
                refused(8 << 20, "ESP", Map.of("/EFI/BOOT/bootx64.efi", new byte[1])));
        assertEquals("'GRUBX64LONG.EFI' in /GRUBX64LONG.EFI is not an 8.3 name: " + rule,
                refused(8 << 20, "ESP", Map.of("/GRUBX64LONG.EFI", new byte[1])));
        assertEquals("'A.CONF' in /A.CONF is not an 8.3 name: " + rule,
                refused(8 << 20, "ESP", Map.of("/A.CONF", new byte[1])));
        assertEquals("'A B' in /A B is not an 8.3 name: " + rule, refused(8 << 20, "ESP", Map.of("/A B", new byte[1])));
        assertEquals("'A.B.C' in /A.B.C is not an 8.3 name: " + rule,
                refused(8 << 20, "ESP", Map.of("/A.B.C", new byte[1])));
        assertEquals("file path 'EFI/X' is not allowed: give an absolute path like /EFI/BOOT/BOOTX64.EFI, without"
                + " empty components or a trailing /", refused(8 << 20, "ESP", Map.of("EFI/X", new byte[1])));
        assertEquals("file path '/EFI//X' is not allowed: give an absolute path like /EFI/BOOT/BOOTX64.EFI, without"
                + " empty components or a trailing /", refused(8 << 20, "ESP", Map.of("/EFI//X", new byte[1])));
    }

    @Test
    void sizeLabelAndTime_outsideTheRange_areRefused() {
        assertEquals("FAT volume size 1000000 bytes is not allowed: give a multiple of 512 from 1048576 (1 MiB) to"
                + " 2146435072 (2047 MiB)", refused(1_000_000, "ESP", Map.of()));
        assertEquals("volume label 'esp' is not allowed: use 1 to 11 characters of A-Z 0-9 ! # $ % & ' ( ) - @ ^ _ `"
                + " { } ~ and spaces, not starting with a space", refused(8 << 20, "esp", Map.of()));
        assertEquals("time stamp 1979-12-31T23:59:59Z cannot be stored in a FAT directory entry: give one from"
                + " 1980-01-01T00:00:00Z to 2107-12-31T23:59:58Z", assertThrows(IllegalArgumentException.class,
                        () -> new FatVolume(8 << 20, "ESP", 1, Instant.parse("1979-12-31T23:59:59Z"), Map.of()))
                .getMessage());
    }

    @Test
    void files_thatDoNotFit_sayBytesNeededAndAvailable() {
        assertEquals("the files do not fit in the FAT volume of 1048576 bytes: they need 2000384 bytes (3907 clusters"
                + " of 512 bytes, directories included) but 1025536 bytes (2003 clusters) are available",
                refused(1 << 20, "ESP", Map.of("/BIG.BIN", new byte[2_000_000])));
    }

    @Test
    void fileUsedAsDirectory_orTooManyRootEntries_isRefused() {
        Map<String, byte[]> clash = Map.of("/EFI", new byte[1], "/EFI/BOOT/X", new byte[1]);
        assertEquals("'/EFI' is a file, but /EFI/BOOT/X needs it to be a directory", refused(8 << 20, "ESP", clash));
        Map<String, byte[]> many = new HashMap<>();
        for (int i = 0; i < 512; i++) {
            many.put("/F" + i, new byte[0]);
        }
        assertEquals("the root directory holds 511 entries besides the volume label, not 512: put files in"
                + " directories", refused(8 << 20, "ESP", many));
    }

    @Test
    void read_notFat_saysSo() {
        assertEquals("not a FAT12/16 volume: no 55 AA, 512-byte sectors and FAT size in its boot sector",
                assertThrows(IllegalArgumentException.class, () -> FatReader.read(new byte[4096])).getMessage());
    }
}
