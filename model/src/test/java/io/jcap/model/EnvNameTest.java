package io.jcap.model;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EnvNameTest {
    @Test
    void valid_lettersDigitsAndUnderscore_notStartingWithADigit() {
        for (String ok : new String[] {"A", "_", "JAVA_OPTS", "a1", "_9"}) {
            assertTrue(EnvName.valid(ok), ok);
        }
        for (String bad : new String[] {"", "1X", "A-B", "A B", "export A", "Ä", "A=1"}) {
            assertFalse(EnvName.valid(bad), bad);
        }
    }
}
