package io.jcap.cli.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationConverterTest {
    private final DurationConverter converter = new DurationConverter();

    @Test
    void convert_units_andPlainSeconds() {
        assertEquals(Duration.ofSeconds(10), converter.convert("10s"));
        assertEquals(Duration.ofSeconds(3), converter.convert("3"));
        assertEquals(Duration.ofMillis(500), converter.convert("500ms"));
        assertEquals(Duration.ofMinutes(2), converter.convert("2m"));
        assertEquals(Duration.ZERO, converter.convert("0"));
    }

    @Test
    void convert_otherForms_areNotDurations() {
        for (String text : new String[] {"10x", "soon", "", "-1s", "1.5s", "10 s"}) {
            assertEquals("'" + text + "' is not a duration: use a number of seconds, or one with ms, s or m (10, 10s, 500ms, 2m)",
                    assertThrows(OptionValueException.class, () -> converter.convert(text)).getMessage());
        }
    }
}
