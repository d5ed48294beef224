package io.jcap.testsupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class OsvLoadersTest {
    /** The boot code at 0x20 of a bootable loader: print from 0x7C3E on COM1, then ACPI soft off. */
    private static final byte[] BOOT_CODE = {
        (byte) 0xFA, 0x31, (byte) 0xC0, (byte) 0x8E, (byte) 0xD8, (byte) 0xFC, (byte) 0xBE, 0x3E, 0x7C,
        (byte) 0xBA, (byte) 0xF8, 0x03, (byte) 0xAC, (byte) 0x84, (byte) 0xC0, 0x74, 0x03, (byte) 0xEE, (byte) 0xEB,
        (byte) 0xF8, (byte) 0xBA, 0x04, 0x06, (byte) 0xB8, 0x00, 0x20, (byte) 0xEF, (byte) 0xF4, (byte) 0xEB,
        (byte) 0xFD,
    };

    @Test
    void loader_hasTheBootSectorFieldsCommandLineAndElfHeaderOfOsvsLoader() {
        byte[] image = OsvLoaders.loader();
        assertEquals(300 * 1024, image.length);
        assertEquals((byte) 0xEA, image[0]);
        assertArrayEquals(new byte[] {8, 0}, Arrays.copyOfRange(image, 0x10, 0x12));
        assertArrayEquals(new byte[] {0x55, (byte) 0xAA}, Arrays.copyOfRange(image, 510, 512));
        assertEquals("--norandom /tools/hello.so\0",
                new String(image, 512, 27, StandardCharsets.US_ASCII));
        assertArrayEquals(new byte[] {0x7F, 'E', 'L', 'F', 1}, Arrays.copyOfRange(image, 65536, 65541));
        assertEquals((byte) (65600 * 31), image[65600]);
    }

    @Test
    void loader_smallSizeAndLargeKernelField_keepsWhatFits() {
        byte[] image = OsvLoaders.loader(1000, 4096);
        assertArrayEquals(new byte[] {0, 0x10}, Arrays.copyOfRange(image, 0x10, 0x12));
        assertEquals(0, image[512]);
    }

    @Test
    void bootable_jumpsOverTheDataFieldsToCodeThatPrintsTheLinesAndPowersOff() {
        byte[] image = OsvLoaders.bootable("OSv v0.0-synthetic", "Hello");
        assertArrayEquals(new byte[] {(byte) 0xEB, 0x1E}, Arrays.copyOfRange(image, 0, 2));
        assertEquals(8, image[0x10]);
        assertArrayEquals(BOOT_CODE, Arrays.copyOfRange(image, 0x20, 0x3E));
        assertEquals("OSv v0.0-synthetic\r\nHello\r\n\0", new String(image, 0x3E, 28, StandardCharsets.US_ASCII));
        assertArrayEquals(Arrays.copyOfRange(OsvLoaders.loader(), 512, image.length),
                Arrays.copyOfRange(image, 512, image.length));
    }

    @Test
    void powerOffSector_putsTheSameCodeAtByteZero_withTheSignature() {
        byte[] sector = PowerOffBootSector.sector("JCAP-OFF");
        assertEquals(512, sector.length);
        byte[] code = BOOT_CODE.clone();
        code[7] = 0x1E; // mov si, 0x7C1E: the text follows the code at 0
        assertArrayEquals(code, Arrays.copyOfRange(sector, 0, 0x1E));
        assertEquals("JCAP-OFF\r\n\0", new String(sector, 0x1E, 11, StandardCharsets.US_ASCII));
        assertArrayEquals(new byte[] {0x55, (byte) 0xAA}, Arrays.copyOfRange(sector, 510, 512));
    }

    @Test
    void bootable_textPastTheDiskSignature_isRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OsvLoaders.bootable("x".repeat(400)));
        assertEquals("the text does not fit in the boot sector: 403 bytes", e.getMessage());
    }
}
