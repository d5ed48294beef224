package io.jcap.cli.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.model.ByteSize;
import org.junit.jupiter.api.Test;

/** The converter hands the text to GuestMemory (whose rules GuestMemoryTest covers) and reports its refusals. */
class MemoryConverterTest {
    private final MemoryConverter converter = new MemoryConverter();

    @Test
    void convert_usersSpellings_giveTheSize() {
        assertEquals(ByteSize.ofMebibytes(128), converter.convert("128m"));
        assertEquals(ByteSize.ofMebibytes(512), converter.convert("512MiB"));
        assertEquals(ByteSize.ofMebibytes(1024), converter.convert("1 G"));
        assertEquals(ByteSize.ofMebibytes(2048), converter.convert("2gb"));
    }

    @Test
    void convert_refusedMemory_isAnOptionValueErrorWithTheRule() {
        assertEquals("'12x' is not a size: use a whole number and a unit K, M, G or T (1K = 1024 bytes),"
                + " in either case, with an optional B or iB (128m, 512MiB, 1 G, 2gb)",
                assertThrows(OptionValueException.class, () -> converter.convert("12x")).getMessage());
        assertEquals("'16M' is too little memory: give at least 32M",
                assertThrows(OptionValueException.class, () -> converter.convert("16M")).getMessage());
    }
}
