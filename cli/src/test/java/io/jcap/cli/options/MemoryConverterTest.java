package io.jcap.cli.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.model.ByteSize;
import org.junit.jupiter.api.Test;

class MemoryConverterTest {
    private final MemoryConverter converter = new MemoryConverter();

    private String refusal(String text) {
        return assertThrows(OptionValueException.class, () -> converter.convert(text)).getMessage();
    }

    @Test
    void convert_wholeMebibytes_giveTheSize() {
        assertEquals(ByteSize.ofMebibytes(256), converter.convert("256M"));
        assertEquals(ByteSize.ofMebibytes(1024), converter.convert("1G"));
        assertEquals(ByteSize.ofMebibytes(32), converter.convert("32768K"));
        assertEquals(ByteSize.ofMebibytes(64), converter.convert("64MiB"));
        assertEquals(ByteSize.ofMebibytes(128), converter.convert("128m"));
        assertEquals(ByteSize.ofMebibytes(512), converter.convert("512mb"));
        assertEquals(ByteSize.ofMebibytes(1024), converter.convert("1 G"));
        assertEquals(ByteSize.ofMebibytes(2048), converter.convert("2gb"));
    }

    @Test
    void convert_noUnit_isNotASize() {
        assertEquals("'256' is not a size: use a whole number and a unit K, M, G or T (1K = 1024 bytes),"
                + " in either case, with an optional B or iB (128m, 512MiB, 1 G, 2gb)", refusal("256"));
    }

    @Test
    void convert_partOfAMebibyte_isRefused() {
        assertEquals("'1500K' is not a whole number of MiB (use M or G: 256M, 1G)", refusal("1500K"));
    }

    @Test
    void convert_belowTheMinimum_namesTheMinimum() {
        assertEquals("'16M' is too little memory: give at least 32M", refusal("16M"));
    }

    @Test
    void convert_beyondAnIntOfMebibytes_isTooMuch() {
        assertEquals("'99999999G' is too much memory", refusal("99999999G"));
    }
}
