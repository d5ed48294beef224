package io.jcap.testsupport;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A tiny kernel QEMU boots with {@code -kernel} the way it boots OSv's {@code loader.elf}: a
 * 64-bit x86-64 ELF with a Xen PVH entry note, entered in 32-bit protected mode. It prints its
 * lines on COM1 and powers the machine off through ACPI (port 0x604, where SeaBIOS puts the PM
 * registers), as OSv does when its application returns. Extra marker text can be carried
 * unprinted (OSv's version string, option names jcap looks for in a kernel).
 *
 * <pre>{@code
 * byte[] elf = PvhKernel.elf(List.of("OSv v0.0-synthetic"), "Cmdline: /hello", "Hello");
 * }</pre>
 */
public final class PvhKernel {
    /** Where QEMU loads the kernel: its one segment, file offset 0, at 1 MiB. */
    static final long LOAD_ADDRESS = 0x100000;
    private static final int ELF_HEADER = 64;
    private static final int PROGRAM_HEADER = 56;
    private static final int NOTE_OFFSET = ELF_HEADER + 2 * PROGRAM_HEADER;
    /** namesz, descsz, type; "Xen\0"; the 64-bit entry address. */
    private static final int NOTE_SIZE = 12 + 4 + 8;
    private static final int XEN_ELFNOTE_PHYS32_ENTRY = 18;
    private static final int CODE_OFFSET = NOTE_OFFSET + NOTE_SIZE;
    private static final int CODE_LENGTH = 32;

    private PvhKernel() {
    }

    /**
     * The kernel ELF.
     *
     * @param markers text kept in the file but not printed
     * @param lines what it prints, each ended by CR LF
     */
    public static byte[] elf(java.util.List<String> markers, String... lines) {
        byte[] text = (String.join("\r\n", lines) + "\r\n\0").getBytes(StandardCharsets.US_ASCII);
        byte[] marks = (String.join("\0", markers) + "\0").getBytes(StandardCharsets.US_ASCII);
        int textOffset = CODE_OFFSET + CODE_LENGTH;
        long message = LOAD_ADDRESS + textOffset;
        int size = textOffset + text.length + marks.length;
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        // ELF header: 64-bit, little-endian, executable, x86-64.
        b.put(new byte[] {0x7F, 'E', 'L', 'F', 2, 1, 1, 0});
        b.position(16);
        b.putShort((short) 2).putShort((short) 0x3E).putInt(1);
        b.putLong(LOAD_ADDRESS + CODE_OFFSET).putLong(ELF_HEADER).putLong(0);
        b.putInt(0).putShort((short) ELF_HEADER).putShort((short) PROGRAM_HEADER).putShort((short) 2);
        b.putShort((short) 64).putShort((short) 0).putShort((short) 0);
        // PT_LOAD: the whole file at 1 MiB, readable, writable, executable.
        b.putInt(1).putInt(7).putLong(0).putLong(LOAD_ADDRESS).putLong(LOAD_ADDRESS).putLong(size).putLong(size)
                .putLong(0x1000);
        // PT_NOTE: the PVH entry.
        b.putInt(4).putInt(4).putLong(NOTE_OFFSET).putLong(LOAD_ADDRESS + NOTE_OFFSET)
                .putLong(LOAD_ADDRESS + NOTE_OFFSET).putLong(NOTE_SIZE).putLong(NOTE_SIZE).putLong(4);
        b.putInt(4).putInt(8).putInt(XEN_ELFNOTE_PHYS32_ENTRY).put(new byte[] {'X', 'e', 'n', 0})
                .putLong(LOAD_ADDRESS + CODE_OFFSET);
        b.put(code(message)).put(text).put(marks);
        return b.array();
    }

    /** 32-bit code: print the NUL-ended text at {@code message} on COM1, then soft-off through ACPI, then halt. */
    private static byte[] code(long message) {
        int m = (int) message;
        return new byte[] {
            (byte) 0xFC,                                             // +0  cld
            (byte) 0xBA, (byte) 0xF8, 0x03, 0x00, 0x00,              // +1  mov edx, 0x3F8 (COM1)
            (byte) 0xBE, (byte) m, (byte) (m >>> 8), (byte) (m >>> 16), (byte) (m >>> 24), // +6 mov esi, message
            (byte) 0xAC,                                             // +11 lodsb
            (byte) 0x84, (byte) 0xC0,                                // +12 test al, al
            0x74, 0x03,                                              // +14 jz +19
            (byte) 0xEE,                                             // +16 out dx, al
            (byte) 0xEB, (byte) 0xF8,                                // +17 jmp +11
            0x66, (byte) 0xBA, 0x04, 0x06,                           // +19 mov dx, 0x604 (ACPI PM1a control)
            0x66, (byte) 0xB8, 0x00, 0x20,                           // +23 mov ax, 0x2000 (SLP_EN, soft off)
            0x66, (byte) 0xEF,                                       // +27 out dx, ax
            (byte) 0xF4,                                             // +29 hlt
            (byte) 0xEB, (byte) 0xFD,                                // +30 jmp +29
        };
    }
}
