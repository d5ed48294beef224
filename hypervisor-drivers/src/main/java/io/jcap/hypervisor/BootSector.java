package io.jcap.hypervisor;

import io.jcap.formats.DiskFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;

/**
 * Tiny guests: a 512-byte BIOS boot sector that prints one line on the first serial port and
 * then either leaves QEMU through the {@code isa-debug-exit} device or halts for ever. They boot
 * in a fraction of a second under TCG, which makes them the accelerator probe and the test guest.
 *
 * <pre>{@code
 * BootSector.writeDisk(BootSector.probe(), dir.resolve("probe.img"));
 * }</pre>
 */
public final class BootSector {
    /** The line the probe guest prints. */
    public static final String PROBE_MARKER = "JCAP-PROBE-OK";
    /** The QEMU option that gives the probe guest its way out (port 0xf4). */
    public static final String DEBUG_EXIT_DEVICE = "isa-debug-exit,iobase=0xf4,iosize=0x04";
    /** QEMU's exit code after the probe writes 0x10 to isa-debug-exit: (0x10 << 1) | 1. */
    public static final int PROBE_EXIT_CODE = 33;
    /** How long the probe guest gets to answer before its accelerator counts as too slow. */
    public static final Duration PROBE_BOUND = Duration.ofSeconds(3);
    /** SeaBIOS does not boot a virtio disk smaller than one cylinder (16 heads x 63 sectors). */
    public static final int DISK_BYTES = 1024 * 1024;

    /**
     * Busy-loop iterations before the probe prints: about 10 ms of real CPU, under 0.1 s under
     * TCG, but seconds on a software-backed /dev/kvm, so a slow "KVM" misses the probe's bound.
     */
    static final int PROBE_LOOP = 0x0100_0000;
    static final int MESSAGE_OFFSET = 0x25;
    private static final int LOAD_ADDRESS = 0x7C00;

    private BootSector() {
    }

    /** The accelerator probe: spins {@link #PROBE_LOOP} times, prints the marker, exits QEMU. */
    public static byte[] probe() {
        return assemble(PROBE_LOOP, PROBE_MARKER, End.DEBUG_EXIT);
    }

    /** Prints {@code line} and halts with interrupts off: a guest that runs until stopped. */
    public static byte[] printThenHalt(String line) {
        return assemble(1, line, End.HALT);
    }

    /** Prints {@code line} and exits QEMU with code {@link #PROBE_EXIT_CODE} (needs {@link #DEBUG_EXIT_DEVICE}). */
    public static byte[] printThenExit(String line) {
        return assemble(1, line, End.DEBUG_EXIT);
    }

    /**
     * Prints {@code line} and resets the machine through the keyboard controller, as a guest whose
     * kernel gave up does: QEMU ends with {@code -no-reboot}, its {@code SHUTDOWN} event saying
     * {@code guest-reset}.
     */
    public static byte[] printThenReset(String line) {
        return assemble(1, line, End.RESET);
    }

    /** Writes a raw disk image of {@link #DISK_BYTES} bytes whose first sector is {@code sector}. */
    public static void writeDisk(byte[] sector, Path file) throws IOException {
        if (sector.length != 512) {
            throw new IllegalArgumentException("a boot sector has 512 bytes, got " + sector.length);
        }
        byte[] disk = Arrays.copyOf(sector, DISK_BYTES);
        Files.write(file, disk, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
    }

    /** What the boot sector does after its line, in the four bytes at 0x1E. */
    enum End {
        /** Four NOPs: it halts. */
        HALT(0x90, 0x90, 0x90, 0x90),
        /** {@code mov al, 0x10; out 0xF4, al}: isa-debug-exit ends QEMU with (0x10 << 1) | 1 = 33. */
        DEBUG_EXIT(0xB0, 0x10, 0xE6, 0xF4),
        /** {@code mov al, 0xFE; out 0x64, al}: the keyboard controller pulses the reset line. */
        RESET(0xB0, 0xFE, 0xE6, 0x64);

        private final byte[] code;

        End(int... code) {
            this.code = new byte[code.length];
            for (int i = 0; i < code.length; i++) {
                this.code[i] = (byte) code[i];
            }
        }
    }

    static byte[] assemble(int loops, String line, End end) {
        byte[] text = (line + "\r\n").getBytes(StandardCharsets.US_ASCII);
        if (!line.chars().allMatch(c -> c >= 0x20 && c < 0x7F) || MESSAGE_OFFSET + text.length + 1 > 510) {
            throw new IllegalArgumentException("a boot sector line must be printable ASCII of at most "
                    + (510 - MESSAGE_OFFSET - 3) + " characters, got '" + line + "'");
        }
        int message = LOAD_ADDRESS + MESSAGE_OFFSET;
        byte[] code = {
            // 0x00  FA           cli              nothing here handles interrupts
            (byte) 0xFA,
            // 0x01  FC           cld              lodsb walks upwards
            (byte) 0xFC,
            // 0x02  31 C0        xor ax, ax
            0x31, (byte) 0xC0,
            // 0x04  8E D8        mov ds, ax       DS = 0: DS:SI is the linear address 0x7Cxx
            (byte) 0x8E, (byte) 0xD8,
            // 0x06  66 B9 imm32  mov ecx, loops   (operand-size prefix: 32-bit in real mode)
            0x66, (byte) 0xB9, (byte) loops, (byte) (loops >>> 8), (byte) (loops >>> 16), (byte) (loops >>> 24),
            // 0x0C  66 49        dec ecx
            0x66, 0x49,
            // 0x0E  75 FC        jnz 0x0C         spin until ECX is 0 (loops = 1: fall through)
            0x75, (byte) 0xFC,
            // 0x10  BE imm16     mov si, 0x7C25   the message
            (byte) 0xBE, (byte) message, (byte) (message >>> 8),
            // 0x13  BA F8 03     mov dx, 0x3F8    COM1 transmit register; QEMU sends each byte
            (byte) 0xBA, (byte) 0xF8, 0x03,
            // 0x16  AC           lodsb            AL = [DS:SI++]
            (byte) 0xAC,
            // 0x17  84 C0        test al, al
            (byte) 0x84, (byte) 0xC0,
            // 0x19  74 03        jz 0x1E          NUL ends the message
            0x74, 0x03,
            // 0x1B  EE           out dx, al
            (byte) 0xEE,
            // 0x1C  EB F8        jmp 0x16
            (byte) 0xEB, (byte) 0xF8,
            // 0x1E  four bytes of End: exit QEMU, reset, or NOPs for a guest that stays
            end.code[0], end.code[1], end.code[2], end.code[3],
            // 0x22  F4           hlt              with interrupts off this halts for good...
            (byte) 0xF4,
            // 0x23  EB FD        jmp 0x22         ...but an NMI would wake it, so halt again
            (byte) 0xEB, (byte) 0xFD,
            // 0x25  the message, CR LF, NUL
        };
        byte[] sector = new byte[512];
        System.arraycopy(code, 0, sector, 0, code.length);
        System.arraycopy(text, 0, sector, MESSAGE_OFFSET, text.length);
        // 0x1FE 55 AA: the signature the BIOS checks before it jumps to 0x7C00
        sector[510] = 0x55;
        sector[511] = (byte) 0xAA;
        return sector;
    }

    /** The machine that boots the probe disk under {@code accelerator}, with its way out of QEMU. */
    public static VmSpec probeMachine(Accelerator accelerator, Path disk) {
        return VmSpec.builder().accelerator(accelerator).memoryMiB(32)
                .drive(Drive.virtio(disk, DiskFormat.RAW).asReadOnly().withBootIndex(0))
                .extraArgs("-device", DEBUG_EXIT_DEVICE).build();
    }
}
