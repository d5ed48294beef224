package io.jcap.testsupport;

import java.nio.charset.StandardCharsets;

/**
 * BIOS boot code that prints lines on the first serial port (COM1) and then powers the machine
 * off itself: it writes SLP_EN with sleep type 0 (soft off) to PM1a_CNT at 0x604, where SeaBIOS
 * puts QEMU's ACPI registers on both pc and q35. QEMU exits and libvirt reports a shutdown, as
 * when a real guest's init powers off. It boots in a fraction of a second under TCG.
 *
 * <pre>{@code
 * byte[] sector = PowerOffBootSector.sector("JCAP-OFF");
 * }</pre>
 */
public final class PowerOffBootSector {
    /** Where the text starts, counted from the code's first byte: right after the code. */
    static final int TEXT_OFFSET = 0x1E;
    /** The text ends before the disk signature and the partition table. */
    static final int TEXT_END = 0x1B8;
    private static final int LOAD_ADDRESS = 0x7C00;
    /** The {@code out dx, ax} that powers off. */
    static final int POWER_OFF_OUT = 0x1A;
    static final byte NOP = (byte) 0x90;

    private PowerOffBootSector() {
    }

    /** A 512-byte boot sector (signature 55 AA) whose code starts at byte 0. */
    public static byte[] sector(String... lines) {
        byte[] sector = new byte[512];
        writeAt(sector, 0, lines);
        sector[510] = 0x55;
        sector[511] = (byte) 0xAA;
        return sector;
    }

    /**
     * A boot sector that prints its lines and then halts <em>without</em> powering off, as OSv does
     * after an abort: QEMU keeps running until it is stopped.
     */
    public static byte[] haltingSector(String... lines) {
        byte[] sector = sector(lines);
        sector[POWER_OFF_OUT] = NOP;
        return sector;
    }

    /**
     * Writes the code at {@code origin} of {@code image}'s first sector and the lines, each ended
     * by CR LF, right after it. The BIOS must reach {@code origin} (a jump at byte 0 when it is not 0).
     */
    public static void writeAt(byte[] image, int origin, String... lines) {
        int message = LOAD_ADDRESS + origin + TEXT_OFFSET;
        byte[] code = {
            (byte) 0xFA,                                     // +0x00 cli
            0x31, (byte) 0xC0,                               // xor ax, ax
            (byte) 0x8E, (byte) 0xD8,                        // mov ds, ax: DS:SI is the linear address
            (byte) 0xFC,                                     // cld: lodsb walks upwards
            (byte) 0xBE, (byte) message, (byte) (message >>> 8), // mov si, message
            (byte) 0xBA, (byte) 0xF8, 0x03,                  // mov dx, 0x3F8 (COM1)
            (byte) 0xAC,                                     // +0x0C lodsb
            (byte) 0x84, (byte) 0xC0,                        // test al, al
            0x74, 0x03,                                      // jz +0x14: NUL ends the text
            (byte) 0xEE,                                     // out dx, al
            (byte) 0xEB, (byte) 0xF8,                        // jmp +0x0C
            (byte) 0xBA, 0x04, 0x06,                         // +0x14 mov dx, 0x604 (ACPI PM1a control)
            (byte) 0xB8, 0x00, 0x20,                         // mov ax, 0x2000 (SLP_EN, sleep type 0: soft off)
            (byte) 0xEF,                                     // out dx, ax
            (byte) 0xF4,                                     // +0x1B hlt
            (byte) 0xEB, (byte) 0xFD,                        // jmp +0x1B
        };
        byte[] text = (String.join("\r\n", lines) + "\r\n\0").getBytes(StandardCharsets.US_ASCII);
        if (origin + TEXT_OFFSET + text.length > TEXT_END) {
            throw new IllegalArgumentException("the text does not fit in the boot sector: " + text.length + " bytes");
        }
        System.arraycopy(code, 0, image, origin, code.length);
        System.arraycopy(text, 0, image, origin + TEXT_OFFSET, text.length);
    }
}
