package io.jcap.formats.cpio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Values printed by {@code xxhsum -H1} (xxHash 0.8.1), the reference implementation's tool. */
class Xxh64Test {
    /** Byte i is (31 i + 7) mod 256. */
    private static byte[] sample(int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (i * 31 + 7);
        }
        return bytes;
    }

    private static long whole(byte[] bytes) {
        Xxh64 sum = new Xxh64();
        sum.update(bytes, 0, bytes.length);
        return sum.value();
    }

    @Test
    void value_ofShortTexts_isTheReferences() {
        assertEquals(0xef46db3751d8e999L, new Xxh64().value());
        assertEquals(0xd24ec4f1a98c6e5bL, whole("a".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(0x44bc2cf5ad770999L, whole("abc".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void value_aroundTheStripeAndOfManyStripes_isTheReferences() {
        assertEquals(0x4a74f3a1a39ad4a1L, whole(sample(31)));
        assertEquals(0x8d57d6a4671cc43dL, whole(sample(32)));
        assertEquals(0xaa6aeb7198c8c81cL, whole(sample(45)));
        assertEquals(0xc333c0bff6f9efdbL, whole(sample(100_003)));
    }

    @Test
    void update_inPiecesOfAnySize_givesTheWholesValue() {
        byte[] bytes = sample(100_003);
        for (int piece : new int[] {1, 3, 7, 8, 31, 32, 33, 4096, 65_536}) {
            Xxh64 sum = new Xxh64();
            for (int off = 0; off < bytes.length; off += piece) {
                sum.update(bytes, off, Math.min(piece, bytes.length - off));
            }
            assertEquals(0xc333c0bff6f9efdbL, sum.value(), "pieces of " + piece);
        }
        Xxh64 bytewise = new Xxh64();
        for (byte b : Arrays.copyOf(bytes, 45)) {
            bytewise.update(b);
        }
        assertEquals(0xaa6aeb7198c8c81cL, bytewise.value());
    }

    @Test
    void value_canBeTakenAndTheSumGoOn() {
        byte[] bytes = sample(100_003);
        Xxh64 sum = new Xxh64();
        sum.update(bytes, 0, 45);
        assertEquals(0xaa6aeb7198c8c81cL, sum.value());
        sum.update(bytes, 45, bytes.length - 45);
        assertEquals(0xc333c0bff6f9efdbL, sum.value());
    }
}
