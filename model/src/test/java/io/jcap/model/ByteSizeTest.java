package io.jcap.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ByteSizeTest {
    @Test
    void parse_unitsAreBinary() {
        assertEquals(512L << 20, ByteSize.parse("512M").bytes());
        assertEquals(1L << 30, ByteSize.parse("1G").bytes());
        assertEquals(64L << 20, ByteSize.parse("64MiB").bytes());
        assertEquals(2048L << 10, ByteSize.parse("2048KB").bytes());
    }

    @Test
    void parse_otherText_namesTheSyntax() {
        for (String bad : new String[] {"12Q", "512", "0M", "1.5G", "512m", " 1G", "-1G"}) {
            assertEquals("'" + bad + "' is not a size: use a number with K, M or G (512M, 1G)",
                    assertThrows(IllegalArgumentException.class, () -> ByteSize.parse(bad)).getMessage());
        }
    }

    @Test
    void parse_overflow_isRefused() {
        assertEquals("'9999999999999G' is too large a size",
                assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("9999999999999G")).getMessage());
    }

    @Test
    void toString_usesLargestExactUnit() {
        assertEquals("512M", ByteSize.parse("512MiB").toString());
        assertEquals("1G", ByteSize.parse("1024M").toString());
        assertEquals("1536M", ByteSize.parse("1536M").toString());
        assertEquals("3K", ByteSize.ofBytes(3072).toString());
        assertEquals("1000", ByteSize.ofBytes(1000).toString());
        assertEquals(ByteSize.parse("1536M"), ByteSize.parse(ByteSize.parse("1536M").toString()));
    }

    @Test
    void mebibytes_roundsDown() {
        assertEquals(256, ByteSize.parse("256M").mebibytes());
        assertEquals(0, ByteSize.parse("1K").mebibytes());
    }
}
