package io.jcap.formats.gpt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class GptDiskTest {
    static final long SECTORS = 131072; // 64 MiB
    static final UUID DISK = UUID.fromString("11111111-2222-3333-4444-555566667777");
    static final GptPartition ESP = new GptPartition(GptPartition.EFI_SYSTEM,
            UUID.fromString("aaaaaaaa-0000-0000-0000-000000000001"), 2048, 18431, 0, "EFI System");
    static final GptPartition ROOT = new GptPartition(GptPartition.LINUX_FILESYSTEM,
            UUID.fromString("bbbbbbbb-0000-0000-0000-000000000002"), 18432, 131038,
            GptPartition.LEGACY_BIOS_BOOTABLE, "root");

    static GptDisk disk() {
        return new GptDisk(SECTORS, DISK, List.of(ESP, ROOT));
    }

    private static ByteBuffer le(byte[] bytes, int offset, int length) {
        return ByteBuffer.wrap(bytes, offset, length).slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    private static int crc(byte[] bytes, int offset, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }

    @Test
    void guid_isStoredMixedEndian() {
        ByteBuffer b = ByteBuffer.allocate(16);
        MixedEndianGuid.put(b, 0, GptPartition.EFI_SYSTEM);
        assertEquals("28732ac11ff8d211ba4b00a0c93ec93b", HexFormat.of().formatHex(b.array()));
        assertEquals(GptPartition.EFI_SYSTEM, MixedEndianGuid.get(b, 0));
    }

    @Test
    void regions_protectiveMbr_hasBootCodeOneEeEntryAndSignature() {
        byte[] bootCode = new byte[440];
        Arrays.fill(bootCode, (byte) 0x90);
        byte[] head = disk().regions(bootCode).head();
        assertEquals(34 * 512, head.length);
        assertArrayEquals(bootCode, Arrays.copyOf(head, 440));
        assertEquals("00000200eeffffff01000000ffff0100",
                HexFormat.of().formatHex(head, 0x1BE, 0x1CE)); // LBA 1, 131071 sectors
        assertArrayEquals(new byte[48], Arrays.copyOfRange(head, 0x1CE, 0x1FE));
        assertEquals("55aa", HexFormat.of().formatHex(head, 510, 512));
    }

    @Test
    void regions_primaryAndBackupHeaders_pointAtEachOtherWithValidCrcs() {
        GptRegions r = disk().regions(new byte[0]);
        byte[] head = r.head();
        byte[] tail = r.tail();
        assertEquals((SECTORS - 33) * 512, r.tailOffset());
        assertEquals(33 * 512, tail.length);
        ByteBuffer primary = le(head, 512, 512);
        ByteBuffer backup = le(tail, 32 * 512, 512);
        assertEquals("EFI PART", new String(head, 512, 8, StandardCharsets.US_ASCII));
        assertEquals(0x10000, primary.getInt(8));
        assertEquals(92, primary.getInt(12));
        assertEquals(List.of(1L, SECTORS - 1, 34L, SECTORS - 34, 2L),
                List.of(primary.getLong(24), primary.getLong(32), primary.getLong(40), primary.getLong(48),
                        primary.getLong(72)));
        assertEquals(List.of(SECTORS - 1, 1L, 34L, SECTORS - 34, SECTORS - 33),
                List.of(backup.getLong(24), backup.getLong(32), backup.getLong(40), backup.getLong(48),
                        backup.getLong(72)));
        assertEquals(List.of(128, 128), List.of(primary.getInt(80), primary.getInt(84)));
        int entriesCrc = crc(head, 1024, 16384);
        assertEquals(entriesCrc, primary.getInt(88));
        assertEquals(entriesCrc, backup.getInt(88));
        assertArrayEquals(Arrays.copyOfRange(head, 1024, 1024 + 16384), Arrays.copyOf(tail, 16384));
        for (byte[] header : List.of(Arrays.copyOfRange(head, 512, 604), Arrays.copyOfRange(tail, 16384, 16476))) {
            int stored = le(header, 0, 92).getInt(16);
            le(header, 0, 92).putInt(16, 0);
            assertEquals(crc(header, 0, 92), stored);
        }
        assertEquals(0, le(head, 512, 512).getInt(20)); // reserved
        assertArrayEquals(new byte[420], Arrays.copyOfRange(head, 512 + 92, 1024));
    }

    @Test
    void regions_entry_hasFieldsAtTheirOffsets() {
        byte[] head = disk().regions(new byte[0]).head();
        ByteBuffer entry2 = le(head, 1024 + 128, 128);
        assertEquals("af3dc60f838472478e793d69d8477de4", HexFormat.of().formatHex(head, 1152, 1168));
        assertEquals(18432, entry2.getLong(32));
        assertEquals(131038, entry2.getLong(40));
        assertEquals(4, entry2.getLong(48));
        assertEquals("root", new String(head, 1152 + 56, 8, StandardCharsets.UTF_16LE));
        assertArrayEquals(new byte[128], Arrays.copyOfRange(head, 1024 + 256, 1024 + 384)); // entry 3 unused
    }

    @Test
    void disk_overlappingPartitions_areRefused() {
        GptPartition other = new GptPartition(GptPartition.LINUX_FILESYSTEM,
                UUID.fromString("cccccccc-0000-0000-0000-000000000003"), 18431, 20000, 0, "data");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new GptDisk(SECTORS, DISK, List.of(other, ESP)));
        assertEquals("partitions 'EFI System' (LBA 2048 to 18431) and 'data' (LBA 18431 to 20000) overlap",
                e.getMessage());
    }

    @Test
    void disk_partitionOutsideUsableSectors_isRefused() {
        GptPartition tooFar = new GptPartition(GptPartition.LINUX_FILESYSTEM, ROOT.id(), 18432, 131039, 0, "root");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new GptDisk(SECTORS, DISK, List.of(ESP, tooFar)));
        assertEquals("partition 'root' from LBA 18432 to 131039 is outside the usable sectors 34 to 131038 of a disk"
                + " of 131072 sectors", e.getMessage());
        GptPartition tooEarly = new GptPartition(GptPartition.BIOS_BOOT, ROOT.id(), 33, 40, 0, "bios");
        assertThrows(IllegalArgumentException.class, () -> new GptDisk(SECTORS, DISK, List.of(tooEarly)));
    }

    @Test
    void disk_badSizeGuidOrBootCode_isRefused() {
        assertEquals("a GPT disk of 67 sectors is too small: it needs 68 sectors of 512 bytes at least (34 at the"
                + " start, 33 at the end, 1 usable)", assertThrows(IllegalArgumentException.class,
                        () -> new GptDisk(67, DISK, List.of())).getMessage());
        assertEquals("partitions 1 and 2 have the same GUID " + ESP.id() + ": each needs its own",
                assertThrows(IllegalArgumentException.class, () -> new GptDisk(SECTORS, DISK, List.of(ESP,
                        new GptPartition(ROOT.type(), ESP.id(), 18432, 20000, 0, "x")))).getMessage());
        assertEquals("MBR boot code of 441 bytes is too long: at most 440 bytes fit before the disk signature"
                + " (gptmbr.bin is 440)", assertThrows(IllegalArgumentException.class,
                        () -> disk().regions(new byte[441])).getMessage());
        new GptDisk(68, DISK, List.of(new GptPartition(GptPartition.BIOS_BOOT, ESP.id(), 34, 34, 0, "")));
    }

    @Test
    void partition_badNameOrRange_isRefused() {
        assertEquals("partition name '" + "n".repeat(37) + "' has 37 UTF-16 units: a GPT name has at most 36 and"
                + " no NUL character", assertThrows(IllegalArgumentException.class, () -> new GptPartition(
                        GptPartition.EFI_SYSTEM, ESP.id(), 34, 40, 0, "n".repeat(37))).getMessage());
        assertEquals("partition 'x' from LBA 40 to 39 is not a sector range: first LBA must be >= 0 and <= last LBA",
                assertThrows(IllegalArgumentException.class, () -> new GptPartition(GptPartition.EFI_SYSTEM,
                        ESP.id(), 40, 39, 0, "x")).getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new GptPartition(new UUID(0, 0), ESP.id(), 40, 40, 0, "x"));
    }
}
