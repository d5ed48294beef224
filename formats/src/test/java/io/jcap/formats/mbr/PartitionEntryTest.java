package io.jcap.formats.mbr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class PartitionEntryTest {
    private static byte[] hex(String text) {
        return HexFormat.ofDelimiter(" ").parseHex(text);
    }

    @Test
    void linux_smallDisk_hasExactBytes() {
        // 64 MiB disk, partition from 2 MiB: LBA 4096, 126976 sectors, last sector 131071.
        // Start 4096 = track 65 (head 65, cylinder 0), sector 4096 % 63 + 1 = 2.
        // End 131071 = track 2080 (head 2080 % 255 = 40, cylinder 8), sector 31 + 1 = 32:
        // OSv's u16 = 32 | 8 << 6 = 0x0220.
        PartitionEntry entry = PartitionEntry.linux(4096, 126976);
        assertArrayEquals(hex("00 41 02 00 83 28 20 02 00 10 00 00 00 f0 01 00"), entry.toBytes());
    }

    @Test
    void linux_largeDisk_capsTheEndingChs() {
        // 10 GiB disk: 20967424 sectors from LBA 4096; the end is past cylinder 1023.
        PartitionEntry entry = PartitionEntry.linux(4096, 20967424);
        assertArrayEquals(hex("00 41 02 00 83 fe ff ff 00 10 00 00 00 f0 3f 01"), entry.toBytes());
        assertEquals(Chs.CAPPED, entry.end());
    }

    @Test
    void ofLba_usesOsvBitFieldPacking() {
        // LBA 1000000 = track 15873: head 15873 % 255 = 63, cylinder 62, sector 1000000 % 63 + 1 = 2.
        Chs chs = Chs.ofLba(1_000_000);
        assertEquals(new Chs(62, 63, 2), chs);
        // sector | cylinder << 6 = 2 | 3968 = 0x0F82 (the BIOS packing would give 02 3E).
        byte[] bytes = PartitionEntry.linux(1_000_000, 1).toBytes();
        assertEquals(0x82, bytes[2] & 0xFF);
        assertEquals(0x0F, bytes[3] & 0xFF);
    }

    @Test
    void ofLba_capsExactlyPastCylinder1023() {
        assertEquals(new Chs(0, 0, 1), Chs.ofLba(0));
        assertEquals(new Chs(1023, 254, 63), Chs.ofLba(16_450_559)); // the last addressable sector
        assertEquals(Chs.CAPPED, Chs.ofLba(16_450_560));
        assertEquals(Chs.CAPPED, Chs.ofLba(0xFFFF_FFFFL));
    }

    @Test
    void ofLba_startingSectorIsNeverZero() {
        for (long lba = 0; lba < 200_000; lba += 61) {
            assertTrue(Chs.ofLba(lba).sector() >= 1, "sector of LBA " + lba);
        }
        assertTrue(PartitionEntry.linux(4096, 1).usedByOsv());
    }

    @Test
    void parse_readsBackWhatWasWritten() {
        PartitionEntry entry = PartitionEntry.linux(4096, 20967424);
        byte[] sector = new byte[512];
        System.arraycopy(entry.toBytes(), 0, sector, 0x1CE, 16);
        assertEquals(entry, PartitionEntry.parse(sector, 0x1CE));
        assertEquals(entry, PartitionEntry.parse(entry.toBytes()));
    }

    @Test
    void parse_emptyEntry_isNotUsedByOsv() {
        PartitionEntry empty = PartitionEntry.parse(new byte[16]);
        assertFalse(empty.usedByOsv());
        assertEquals(0, empty.systemId());
    }

    @Test
    void parse_entryWithZeroStartingSector_isSkippedLikeOsvDoes() {
        PartitionEntry entry = PartitionEntry.parse(hex("00 41 00 00 83 28 20 02 00 10 00 00 00 f0 01 00"));
        assertFalse(entry.usedByOsv());
    }

    @Test
    void startAndSizeBytes_countSectorsOf512() {
        PartitionEntry entry = PartitionEntry.linux(4096, 126976);
        assertEquals(2L << 20, entry.startBytes());
        assertEquals(62L << 20, entry.sizeBytes());
    }
}
