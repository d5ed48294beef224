package io.jcap.hypervisor.libvirt;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Tiny guests for the libvirt tests: a boot sector that powers off through ACPI, and a busybox initramfs. */
final class TestGuests {
    private static final int MESSAGE_OFFSET = 0x1E;

    private TestGuests() {
    }

    /**
     * A boot sector that prints {@code line} on COM1, then writes SLP_EN with sleep type 0 (soft
     * off) to PM1a_CNT at 0x604, where SeaBIOS puts QEMU's ACPI registers on both pc and q35:
     * the guest's own power-off, which libvirt reports as a shutdown.
     */
    static byte[] printThenPowerOff(String line) {
        int message = 0x7C00 + MESSAGE_OFFSET;
        byte[] code = {
            (byte) 0xFA, (byte) 0xFC,                        // cli; cld
            0x31, (byte) 0xC0, (byte) 0x8E, (byte) 0xD8,     // xor ax, ax; mov ds, ax
            (byte) 0xBE, (byte) message, (byte) (message >>> 8), // mov si, message
            (byte) 0xBA, (byte) 0xF8, 0x03,                  // mov dx, 0x3F8
            (byte) 0xAC,                                     // 0x0C: lodsb
            (byte) 0x84, (byte) 0xC0, 0x74, 0x03,            // test al, al; jz 0x14
            (byte) 0xEE, (byte) 0xEB, (byte) 0xF8,           // out dx, al; jmp 0x0C
            (byte) 0xBA, 0x04, 0x06,                         // 0x14: mov dx, 0x604
            (byte) 0xB8, 0x00, 0x20,                         // mov ax, 0x2000 (SLP_EN, SLP_TYP 0)
            (byte) 0xEF,                                     // out dx, ax
            (byte) 0xF4, (byte) 0xEB, (byte) 0xFD,           // 0x1B: hlt; jmp 0x1B
        };
        byte[] sector = new byte[512];
        System.arraycopy(code, 0, sector, 0, code.length);
        byte[] text = (line + "\r\n").getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, sector, MESSAGE_OFFSET, text.length);
        sector[510] = 0x55;
        sector[511] = (byte) 0xAA;
        return sector;
    }

    /**
     * A newc initramfs whose /init (busybox sh) prints {@code line} and powers the machine off,
     * with the /dev/console node the kernel needs to give init a console.
     */
    static void writeInitramfs(Path busybox, String line, Path target) throws IOException {
        ByteArrayOutputStream cpio = new ByteArrayOutputStream();
        entry(cpio, 1, "bin", 0040755, new byte[0], 0, 0);
        entry(cpio, 2, "bin/busybox", 0100755, Files.readAllBytes(busybox), 0, 0);
        entry(cpio, 3, "dev", 0040755, new byte[0], 0, 0);
        entry(cpio, 4, "dev/console", 0020600, new byte[0], 5, 1);
        String init = "#!/bin/busybox sh\n/bin/busybox echo " + line + "\n/bin/busybox poweroff -f\n";
        entry(cpio, 5, "init", 0100755, init.getBytes(StandardCharsets.US_ASCII), 0, 0);
        entry(cpio, 6, "TRAILER!!!", 0, new byte[0], 0, 0);
        Files.write(target, cpio.toByteArray());
    }

    private static void entry(ByteArrayOutputStream out, int inode, String name, int mode, byte[] data, int rdevMajor,
            int rdevMinor) {
        byte[] nameBytes = (name + "\0").getBytes(StandardCharsets.US_ASCII);
        String header = "070701" + hex(inode) + hex(mode) + hex(0) + hex(0) + hex(1) + hex(0) + hex(data.length)
                + hex(0) + hex(0) + hex(rdevMajor) + hex(rdevMinor) + hex(nameBytes.length) + hex(0);
        out.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(nameBytes);
        pad(out);
        out.writeBytes(data);
        pad(out);
    }

    private static String hex(int value) {
        return String.format("%08x", value);
    }

    private static void pad(ByteArrayOutputStream out) {
        byte[] zeros = new byte[(4 - out.size() % 4) % 4];
        Arrays.fill(zeros, (byte) 0);
        out.writeBytes(zeros);
    }
}
