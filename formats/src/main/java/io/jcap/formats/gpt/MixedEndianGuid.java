package io.jcap.formats.gpt;

import java.nio.ByteBuffer;
import java.util.UUID;

/**
 * GUIDs as UEFI stores them: the first three fields (4, 2 and 2 bytes) little-endian, the last
 * eight bytes in the order they are written. So C12A7328-F81F-11D2-BA4B-00A0C93EC93B is stored as
 * {@code 28 73 2A C1 1F F8 D2 11 BA 4B 00 A0 C9 3E C9 3B}.
 */
final class MixedEndianGuid {
    static final int SIZE = 16;

    private MixedEndianGuid() {
    }

    /** Puts {@code guid}'s 16 bytes at {@code offset} of {@code buffer}. */
    static void put(ByteBuffer buffer, int offset, UUID guid) {
        long high = guid.getMostSignificantBits();
        buffer.put(offset, (byte) (high >>> 32));
        buffer.put(offset + 1, (byte) (high >>> 40));
        buffer.put(offset + 2, (byte) (high >>> 48));
        buffer.put(offset + 3, (byte) (high >>> 56));
        buffer.put(offset + 4, (byte) (high >>> 16));
        buffer.put(offset + 5, (byte) (high >>> 24));
        buffer.put(offset + 6, (byte) high);
        buffer.put(offset + 7, (byte) (high >>> 8));
        long low = guid.getLeastSignificantBits();
        for (int i = 0; i < 8; i++) {
            buffer.put(offset + 8 + i, (byte) (low >>> (56 - 8 * i)));
        }
    }

    /** The GUID stored at {@code offset} of {@code buffer}. */
    static UUID get(ByteBuffer buffer, int offset) {
        long high = (u8(buffer, offset + 3) << 56) | (u8(buffer, offset + 2) << 48) | (u8(buffer, offset + 1) << 40)
                | (u8(buffer, offset) << 32) | (u8(buffer, offset + 5) << 24) | (u8(buffer, offset + 4) << 16)
                | (u8(buffer, offset + 7) << 8) | u8(buffer, offset + 6);
        long low = 0;
        for (int i = 0; i < 8; i++) {
            low = (low << 8) | u8(buffer, offset + 8 + i);
        }
        return new UUID(high, low);
    }

    private static long u8(ByteBuffer buffer, int offset) {
        return buffer.get(offset) & 0xFFL;
    }
}
