package io.jcap.formats.gpt;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.zip.CRC32;

/**
 * A GPT header, primary or backup: 92 bytes at the start of its sector, little-endian, its CRC32
 * computed over those 92 bytes with the CRC field zeroed.
 */
record GptHeader(long myLba, long alternateLba, long firstUsableLba, long lastUsableLba, UUID diskGuid,
                 long entriesLba, int entryCount, int entrySize, int entriesCrc) {
    static final byte[] SIGNATURE = "EFI PART".getBytes(StandardCharsets.US_ASCII);
    static final int REVISION_1_0 = 0x0001_0000;
    static final int SIZE = 92;
    static final int CRC_OFFSET = 16;

    /** The 512-byte sector holding this header, CRC included. */
    byte[] toSector() {
        ByteBuffer b = ByteBuffer.allocate(GptDisk.SECTOR).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, SIGNATURE).putInt(8, REVISION_1_0).putInt(12, SIZE);
        b.putLong(24, myLba).putLong(32, alternateLba).putLong(40, firstUsableLba).putLong(48, lastUsableLba);
        MixedEndianGuid.put(b, 56, diskGuid);
        b.putLong(72, entriesLba).putInt(80, entryCount).putInt(84, entrySize).putInt(88, entriesCrc);
        b.putInt(CRC_OFFSET, crc32(b.array(), 0, SIZE));
        return b.array();
    }

    /** Whether {@code sector} starts with "EFI PART". */
    static boolean hasSignature(byte[] sector) {
        return sector.length >= SIGNATURE.length
                && java.util.Arrays.equals(sector, 0, SIGNATURE.length, SIGNATURE, 0, SIGNATURE.length);
    }

    /**
     * The header in {@code sector}, read from LBA {@code lba}: the signature, size and CRC checked.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    static GptHeader parse(byte[] sector, long lba) {
        String where = "the GPT header at LBA " + lba;
        if (!hasSignature(sector)) {
            throw new IllegalArgumentException(where + " has no signature \"EFI PART\"");
        }
        ByteBuffer b = ByteBuffer.wrap(sector).order(ByteOrder.LITTLE_ENDIAN);
        int size = b.getInt(12);
        if (size < SIZE || size > sector.length) {
            throw new IllegalArgumentException(where + " gives a header size of " + size + " bytes: 92 to 512 allowed");
        }
        byte[] copy = java.util.Arrays.copyOf(sector, size);
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putInt(CRC_OFFSET, 0);
        int stored = b.getInt(CRC_OFFSET);
        int computed = crc32(copy, 0, size);
        if (stored != computed) {
            throw new IllegalArgumentException(where + " is damaged: its CRC32 is " + hex(stored)
                    + " but its bytes give " + hex(computed));
        }
        if (b.getLong(24) != lba) {
            throw new IllegalArgumentException(where + " says it is at LBA " + b.getLong(24));
        }
        return new GptHeader(b.getLong(24), b.getLong(32), b.getLong(40), b.getLong(48), MixedEndianGuid.get(b, 56),
                b.getLong(72), b.getInt(80), b.getInt(84), b.getInt(88));
    }

    static int crc32(byte[] bytes, int offset, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }

    static String hex(int crc) {
        return String.format("%08x", crc);
    }
}
