package io.jcap.formats.fastlz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** FastLZ blocks written by hand, instruction by instruction, against the bytes they must give. */
class FastLzTest {

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    @Test
    void decompress_literalRun() throws IOException {
        assertEquals("abc", text(FastLz.decompress(bytes(0x02, 'a', 'b', 'c'), 0, 4, 3)));
    }

    @Test
    void decompress_shortMatch_copiesFromDistanceBack() throws IOException {
        // "abc", then a match of 3 bytes from 3 back ("abc"), then one from 1 back: a run of 'c'.
        byte[] block = bytes(0x02, 'a', 'b', 'c', 0x20, 0x02, 0x20, 0x00);
        assertEquals("abcabcccc", text(FastLz.decompress(block, 0, block.length, 9)));
    }

    @Test
    void decompress_levelOneLongMatch_takesOneMoreLengthByte() throws IOException {
        // Length code 7: 6 + 4 = 10, so 13 bytes, from 1 back.
        byte[] block = bytes(0x00, 'x', 0xE0, 0x04, 0x00);
        assertEquals("x".repeat(14), text(FastLz.decompress(block, 0, block.length, 14)));
    }

    @Test
    void decompress_levelTwoLongMatch_takesLengthBytesUntilOneIsBelow255() throws IOException {
        // Level 2 (top bits 001): 6 + 255 + 1 = 262, so 265 bytes from 1 back.
        byte[] block = bytes(0x20, 'y', 0xE0, 0xFF, 0x01, 0x00);
        assertEquals("y".repeat(266), text(FastLz.decompress(block, 0, block.length, 266)));
    }

    @Test
    void decompress_levelTwoFarMatch_reachesBeyond8191Bytes() throws IOException {
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        byte[] expected = new byte[32 * 260 + 3];
        for (int i = 0; i < 32 * 260; i++) {
            expected[i] = (byte) (i * 7 + i / 251);
        }
        for (int run = 0; run < 260; run++) {
            block.write(run == 0 ? 0x20 | 31 : 31);
            block.write(expected, run * 32, 32);
        }
        // Distance code 31/255 announces 16 bits: 0x0008 + 8191 + 1 = 8200 bytes back.
        block.write(bytes(0x3F, 0xFF, 0x00, 0x08), 0, 4);
        int op = 32 * 260;
        System.arraycopy(expected, op - 8200, expected, op, 3);
        byte[] in = block.toByteArray();
        assertArrayEquals(expected, FastLz.decompress(in, 0, in.length, expected.length));
    }

    @Test
    void decompress_fromAnOffset_readsOnlyItsBlock() throws IOException {
        byte[] in = bytes(0x55, 0x55, 0x01, 'o', 'k', 0x55);
        assertEquals("ok", text(FastLz.decompress(in, 2, 3, 2)));
    }

    @Test
    void decompress_matchBeforeTheStart_isRefused() {
        byte[] block = bytes(0x00, 'a', 0x20, 0x05);
        IOException e = assertThrows(IOException.class, () -> FastLz.decompress(block, 0, block.length, 4));
        assertEquals("corrupt FastLZ block at byte 4: a match of 3 bytes at distance 6 reaches outside the output",
                e.getMessage());
    }

    @Test
    void decompress_truncatedOrWrongSize_isRefused() {
        byte[] cut = bytes(0x04, 'a', 'b');
        assertThrows(IOException.class, () -> FastLz.decompress(cut, 0, cut.length, 5));
        byte[] block = bytes(0x02, 'a', 'b', 'c');
        IOException e = assertThrows(IOException.class, () -> FastLz.decompress(block, 0, block.length, 4));
        assertEquals("the FastLZ block gives 3 bytes, not the 4 expected", e.getMessage());
        byte[] level3 = bytes(0x40, 'a');
        assertEquals("unknown FastLZ level 3", assertThrows(IOException.class,
                () -> FastLz.decompress(level3, 0, 2, 1)).getMessage());
        assertThrows(IOException.class, () -> FastLz.decompress(Arrays.copyOf(block, 0), 0, 0, 0));
    }
}
