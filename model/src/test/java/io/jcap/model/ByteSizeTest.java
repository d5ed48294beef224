package io.jcap.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ByteSizeTest {
    private static final String EXPECTED = "is not a size: use a whole number and a unit K, M, G or T (1K = 1024 bytes),"
            + " in either case, with an optional B or iB (128m, 512MiB, 1 G, 2gb)";

    @Test
    void parse_unitsAreBinary() {
        assertEquals(512L << 20, ByteSize.parse("512M").bytes());
        assertEquals(1L << 30, ByteSize.parse("1G").bytes());
        assertEquals(64L << 20, ByteSize.parse("64MiB").bytes());
        assertEquals(2048L << 10, ByteSize.parse("2048KB").bytes());
        assertEquals(3L << 40, ByteSize.parse("3T").bytes());
    }

    @ParameterizedTest(name = "{0} is {1} bytes")
    @CsvSource(delimiter = '|', value = {
        "128m     | 134217728",
        "128M     | 134217728",
        "128 M    | 134217728",
        "512mb    | 536870912",
        "512MB    | 536870912",
        "512Mb    | 536870912",
        "512MiB   | 536870912",
        "512mib   | 536870912",
        "512 MiB  | 536870912",
        "1GiB     | 1073741824",
        "1 G      | 1073741824",
        "1g       | 1073741824",
        "2gb      | 2147483648",
        "2 GB     | 2147483648",
        "4k       | 4096",
        "4KiB     | 4096",
        "4 kb     | 4096",
        "1t       | 1099511627776",
        "2TiB     | 2199023255552",
    })
    void parse_usersSpellings_giveBinarySizes(String text, long bytes) {
        assertEquals(bytes, ByteSize.parse(text).bytes());
    }

    @ParameterizedTest(name = "''{0}'' is refused")
    @ValueSource(strings = {"12x", "12Q", "512", "0M", "00M", "012M", "1.5G", " 1G", "1G ", "1  G", "-1G", "1GBB",
        "1iB", "1Gi", "1 iB", "M", "", "1P", "1e3M", "1_000M", "1,5G", "１G"})
    void parse_otherText_namesTheSyntax(String bad) {
        assertEquals("'" + bad + "' " + EXPECTED,
                assertThrows(IllegalArgumentException.class, () -> ByteSize.parse(bad)).getMessage());
    }

    @Test
    void parse_null_namesTheSyntax() {
        assertEquals("'null' " + EXPECTED,
                assertThrows(IllegalArgumentException.class, () -> ByteSize.parse(null)).getMessage());
    }

    @Test
    void parse_overflow_isRefused() {
        assertEquals("'9999999999999G' is too large a size",
                assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("9999999999999G")).getMessage());
        assertEquals("'8388608T' is too large a size",
                assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("8388608T")).getMessage());
        assertEquals(8388607L << 40, ByteSize.parse("8388607T").bytes());
    }

    @Test
    void toString_usesLargestExactUnit() {
        assertEquals("512M", ByteSize.parse("512MiB").toString());
        assertEquals("1G", ByteSize.parse("1024M").toString());
        assertEquals("1536M", ByteSize.parse("1536M").toString());
        assertEquals("1T", ByteSize.parse("1024g").toString());
        assertEquals("3K", ByteSize.ofBytes(3072).toString());
        assertEquals("1000", ByteSize.ofBytes(1000).toString());
        assertEquals(ByteSize.parse("1536M"), ByteSize.parse(ByteSize.parse("1536M").toString()));
    }

    @Test
    void jvmValue_isOneLetterUpToG() {
        assertEquals("128M", ByteSize.parse("128m").jvmValue());
        assertEquals("512M", ByteSize.parse("512MiB").jvmValue());
        assertEquals("512M", ByteSize.parse("512mb").jvmValue());
        assertEquals("1G", ByteSize.parse("1 G").jvmValue());
        assertEquals("2G", ByteSize.parse("2gb").jvmValue());
        assertEquals("1536K", ByteSize.parse("1536k").jvmValue());
        assertEquals("1024G", ByteSize.parse("1T").jvmValue());
        assertEquals("1000", ByteSize.ofBytes(1000).jvmValue());
    }

    @Test
    void mebibytes_roundsDown() {
        assertEquals(256, ByteSize.parse("256M").mebibytes());
        assertEquals(0, ByteSize.parse("1K").mebibytes());
    }
}
