package io.jcap.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class GuestMemoryTest {
    private static String refusal(String text) {
        return assertThrows(IllegalArgumentException.class, () -> GuestMemory.parse(text)).getMessage();
    }

    @Test
    void parse_usersSpellings_giveWholeMebibytes() {
        assertEquals(128, GuestMemory.parse("128m").mebibytes());
        assertEquals(512, GuestMemory.parse("512mb").mebibytes());
        assertEquals(512, GuestMemory.parse("512MiB").mebibytes());
        assertEquals(1024, GuestMemory.parse("1GiB").mebibytes());
        assertEquals(1024, GuestMemory.parse("1 G").mebibytes());
        assertEquals(2048, GuestMemory.parse("2gb").mebibytes());
        assertEquals(32, GuestMemory.parse("32768K").mebibytes());
        assertEquals(1 << 20, GuestMemory.parse("1T").mebibytes());
        assertEquals(ByteSize.ofMebibytes(2048), GuestMemory.parse("2gb").size());
    }

    @Test
    void parse_notASize_namesTheSyntax() {
        assertEquals("'12x' is not a size: use a whole number and a unit K, M, G or T (1K = 1024 bytes), in either"
                + " case, with an optional B or iB (128m, 512MiB, 1 G, 2gb)", refusal("12x"));
    }

    @Test
    void parse_partOfAMebibyte_isRefused() {
        assertEquals("'1500K' is not a whole number of MiB (use M or G: 256M, 1G)", refusal("1500K"));
    }

    @Test
    void parse_belowTheMinimum_namesTheMinimum() {
        assertEquals("'16m' is too little memory: give at least 32M", refusal("16m"));
    }

    @Test
    void parse_beyondAnIntOfMebibytes_isTooMuch() {
        assertEquals("'2048T' is too much memory", refusal("2048T"));
    }

    @Test
    void new_belowTheMinimum_isRefused() {
        assertEquals("16M is too little memory: give at least 32M",
                assertThrows(IllegalArgumentException.class, () -> new GuestMemory(16)).getMessage());
    }
}
