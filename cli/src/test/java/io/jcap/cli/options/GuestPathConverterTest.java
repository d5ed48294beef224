package io.jcap.cli.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.model.GuestPath;
import org.junit.jupiter.api.Test;

class GuestPathConverterTest {
    private final GuestPathConverter converter = new GuestPathConverter();

    @Test
    void convert_absolutePaths_areGuestPaths() {
        assertEquals(GuestPath.ROOT, converter.convert("/"));
        assertEquals(GuestPath.of("/app/lib"), converter.convert("/app/lib"));
    }

    @Test
    void convert_relativePath_isRefused() {
        assertEquals("guest path 'bad//path' must be absolute (start with /)",
                assertThrows(OptionValueException.class, () -> converter.convert("bad//path")).getMessage());
    }
}
