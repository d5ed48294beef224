package io.jcap.hypervisor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootSectorTest {
    @Test
    void probe_is512BytesWithBiosSignature() {
        byte[] sector = BootSector.probe();

        assertEquals(512, sector.length);
        assertEquals(0x55, sector[510] & 0xFF);
        assertEquals(0xAA, sector[511] & 0xFF);
    }

    @Test
    void probe_codeLoopsPrintsAndExits() {
        byte[] expected = {
            (byte) 0xFA, (byte) 0xFC, 0x31, (byte) 0xC0, (byte) 0x8E, (byte) 0xD8,
            0x66, (byte) 0xB9, 0x00, 0x00, 0x00, 0x01,
            0x66, 0x49, 0x75, (byte) 0xFC,
            (byte) 0xBE, 0x25, 0x7C, (byte) 0xBA, (byte) 0xF8, 0x03,
            (byte) 0xAC, (byte) 0x84, (byte) 0xC0, 0x74, 0x03, (byte) 0xEE, (byte) 0xEB, (byte) 0xF8,
            (byte) 0xB0, 0x10, (byte) 0xE6, (byte) 0xF4,
            (byte) 0xF4, (byte) 0xEB, (byte) 0xFD,
        };

        assertArrayEquals(expected, Arrays.copyOf(BootSector.probe(), BootSector.MESSAGE_OFFSET));
    }

    @Test
    void probe_messageIsMarkerCrLfNulThenZeros() {
        byte[] sector = BootSector.probe();
        byte[] text = "JCAP-PROBE-OK\r\n".getBytes(StandardCharsets.US_ASCII);

        assertArrayEquals(text, Arrays.copyOfRange(sector, 0x25, 0x25 + text.length));
        assertArrayEquals(new byte[510 - 0x25 - text.length], Arrays.copyOfRange(sector, 0x25 + text.length, 510));
    }

    @Test
    void printThenHalt_replacesExitWithNopsAndDoesNotLoop() {
        byte[] sector = BootSector.printThenHalt("SPIN");

        assertArrayEquals(new byte[] {0x66, (byte) 0xB9, 0x01, 0x00, 0x00, 0x00}, Arrays.copyOfRange(sector, 6, 12));
        assertArrayEquals(new byte[] {(byte) 0x90, (byte) 0x90, (byte) 0x90, (byte) 0x90},
                Arrays.copyOfRange(sector, 0x1E, 0x22));
    }

    @Test
    void printThenReset_pulsesTheKeyboardControllersResetLine() {
        byte[] sector = BootSector.printThenReset("BYE");

        assertArrayEquals(new byte[] {(byte) 0xB0, (byte) 0xFE, (byte) 0xE6, 0x64}, Arrays.copyOfRange(sector, 0x1E, 0x22));
        assertArrayEquals(Arrays.copyOf(BootSector.printThenHalt("BYE"), 0x1E), Arrays.copyOf(sector, 0x1E));
    }

    @Test
    void printThenHalt_lineTooLong_isRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BootSector.printThenHalt("x".repeat(471)));

        assertEquals("a boot sector line must be printable ASCII of at most 470 characters, got '" + "x".repeat(471)
                + "'", e.getMessage());
    }

    @Test
    void writeDisk_padsToOneMebibyte(@TempDir Path dir) throws Exception {
        Path disk = dir.resolve("probe.img");

        BootSector.writeDisk(BootSector.probe(), disk);

        byte[] bytes = Files.readAllBytes(disk);
        assertEquals(1024 * 1024, bytes.length);
        assertArrayEquals(BootSector.probe(), Arrays.copyOf(bytes, 512));
    }
}
