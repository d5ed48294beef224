package io.jcap.formats.fat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/** The 32-byte directory entry of FAT12/16 (no long names): name, attributes, times, first cluster, size. */
final class DirectoryEntry {
    static final int SIZE = 32;
    static final int READ_ONLY = 0x01;
    static final int VOLUME_ID = 0x08;
    static final int DIRECTORY = 0x10;
    static final int ARCHIVE = 0x20;

    private DirectoryEntry() {
    }

    /** Puts an entry at {@code offset} of {@code dir}. */
    static void put(byte[] dir, int offset, byte[] name11, int attributes, int firstCluster, long size, Instant time) {
        ByteBuffer b = ByteBuffer.wrap(dir, offset, SIZE).slice().order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, name11);
        b.put(11, (byte) attributes);
        int date = dosDate(time);
        int clock = dosTime(time);
        b.putShort(14, (short) clock); // created
        b.putShort(16, (short) date);
        b.putShort(18, (short) date); // last accessed
        b.putShort(22, (short) clock); // written
        b.putShort(24, (short) date);
        b.putShort(26, (short) firstCluster);
        b.putInt(28, (int) size);
    }

    /** Days since 1980 in the DOS packing: year - 1980 in bits 9-15, month in 5-8, day in 0-4. */
    static int dosDate(Instant time) {
        LocalDateTime t = LocalDateTime.ofInstant(time, ZoneOffset.UTC);
        return (t.getYear() - 1980) << 9 | t.getMonthValue() << 5 | t.getDayOfMonth();
    }

    /** Hours in bits 11-15, minutes in 5-10, seconds / 2 in 0-4. */
    static int dosTime(Instant time) {
        LocalDateTime t = LocalDateTime.ofInstant(time, ZoneOffset.UTC);
        return t.getHour() << 11 | t.getMinute() << 5 | t.getSecond() / 2;
    }

    /** The {@code .} or {@code ..} name. */
    static byte[] dots(int count) {
        byte[] name = "           ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (int i = 0; i < count; i++) {
            name[i] = '.';
        }
        return name;
    }
}
