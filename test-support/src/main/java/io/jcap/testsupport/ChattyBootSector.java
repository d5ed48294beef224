package io.jcap.testsupport;

import java.nio.charset.StandardCharsets;

/**
 * BIOS boot code that prints one line on COM1 many times, then a last line, then leaves QEMU
 * through the {@code isa-debug-exit} device at port 0xf4 (QEMU's exit code 33): a guest that
 * prints more than a console log keeps. It waits for the UART's transmit register before every
 * byte, so that a slow reader of the console slows the guest down instead of losing output.
 *
 * <pre>{@code
 * byte[] sector = ChattyBootSector.sector("JCAP-CHATTY 0123456789", 2000, "JCAP-CHATTY-END");
 * }</pre>
 */
public final class ChattyBootSector {
    /** Where the lines start: right after the code. */
    static final int TEXT_OFFSET = 0x40;
    private static final int LOAD_ADDRESS = 0x7C00;

    private ChattyBootSector() {
    }

    /** A 512-byte boot sector printing {@code line} {@code times} times (1..65535), then {@code last}, each with CR LF. */
    public static byte[] sector(String line, int times, String last) {
        if (times < 1 || times > 0xFFFF) {
            throw new IllegalArgumentException("times must be 1..65535, got " + times);
        }
        int text = LOAD_ADDRESS + TEXT_OFFSET;
        byte[] code = {
            (byte) 0xFA,                                     // 0x00 cli
            (byte) 0xFC,                                     // 0x01 cld
            0x31, (byte) 0xC0,                               // 0x02 xor ax, ax
            (byte) 0x8E, (byte) 0xD8,                        // 0x04 mov ds, ax
            (byte) 0xB9, (byte) times, (byte) (times >>> 8), // 0x06 mov cx, times
            (byte) 0xBE, (byte) text, (byte) (text >>> 8),   // 0x09 mov si, text
            (byte) 0xBE, (byte) text, (byte) (text >>> 8),   // 0x0C again: mov si, text
            (byte) 0xE8, 0x0C, 0x00,                         // 0x0F call print (0x1E)
            (byte) 0xE2, (byte) 0xF8,                        // 0x12 loop again
            (byte) 0xE8, 0x07, 0x00,                         // 0x14 call print: SI is past the line's NUL, at the last line
            (byte) 0xB0, 0x10,                               // 0x17 mov al, 0x10
            (byte) 0xE6, (byte) 0xF4,                        // 0x19 out 0xf4, al: isa-debug-exit
            (byte) 0xF4,                                     // 0x1B hlt
            (byte) 0xEB, (byte) 0xFD,                        // 0x1C jmp 0x1B
            (byte) 0xAC,                                     // 0x1E print: lodsb
            (byte) 0x84, (byte) 0xC0,                        // 0x1F test al, al
            0x74, 0x12,                                      // 0x21 jz 0x35: NUL ends the text
            (byte) 0x88, (byte) 0xC4,                        // 0x23 mov ah, al
            (byte) 0xBA, (byte) 0xFD, 0x03,                  // 0x25 mov dx, 0x3FD (line status)
            (byte) 0xEC,                                     // 0x28 in al, dx
            (byte) 0xA8, 0x20,                               // 0x29 test al, 0x20: transmit register empty?
            0x74, (byte) 0xFB,                               // 0x2B jz 0x28
            (byte) 0x88, (byte) 0xE0,                        // 0x2D mov al, ah
            (byte) 0xBA, (byte) 0xF8, 0x03,                  // 0x2F mov dx, 0x3F8 (COM1 data)
            (byte) 0xEE,                                     // 0x32 out dx, al
            (byte) 0xEB, (byte) 0xE9,                        // 0x33 jmp 0x1E
            (byte) 0xC3,                                     // 0x35 ret
        };
        byte[] lines = (line + "\r\n\0" + last + "\r\n\0").getBytes(StandardCharsets.US_ASCII);
        if (!(line + last).chars().allMatch(c -> c >= 0x20 && c < 0x7F) || TEXT_OFFSET + lines.length > 510) {
            throw new IllegalArgumentException("the lines must be printable ASCII and fit in the boot sector");
        }
        byte[] sector = new byte[512];
        System.arraycopy(code, 0, sector, 0, code.length);
        System.arraycopy(lines, 0, sector, TEXT_OFFSET, lines.length);
        sector[510] = 0x55;
        sector[511] = (byte) 0xAA;
        return sector;
    }
}
