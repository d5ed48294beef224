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
    }

    @Test
    void convert_noUnit_isNotASize() {
        assertEquals("'256' is not a size: use a number with K, M or G (512M, 1G)", refusal("256"));
    }

    @Test
    void convert_partOfAMebibyte_isRefused() {
        assertEquals("1500K is not a whole number of MiB (use M or G: 256M, 1G)", refusal("1500K"));
    }

    @Test
    void convert_belowTheMinimum_namesTheMinimum() {
        assertEquals("16M is too little memory: give at least 32M", refusal("16M"));
    }

    @Test
    void convert_beyondAnIntOfMebibytes_isTooMuch() {
        assertEquals("99999999G is too much memory", refusal("99999999G"));
    }
}
