package io.jcap.cli.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.builder.api.BootMode;
import org.junit.jupiter.api.Test;

class BootModeConverterTest {
    private final BootModeConverter converter = new BootModeConverter();

    @Test
    void convert_directAndDisk_areThoseModes() {
        assertEquals(BootMode.DIRECT, converter.convert("direct"));
        assertEquals(BootMode.DISK, converter.convert("disk"));
    }

    @Test
    void convert_otherNames_areRefusedWithTheChoices() {
        assertEquals("'floppy' is not a boot mode: use direct, disk (or bios) or uefi",
                assertThrows(OptionValueException.class, () -> converter.convert("floppy")).getMessage());
    }
}
