package io.jcap.testsupport;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Synthetic OSv loader images ({@code loader.img}, published as {@code osv-loader.qemu}), laid
 * out byte by byte as OSv's build does. The real loader cannot be had in tests; these have what
 * jcap looks at: the boot sector with its kernel-size field and signature, the default command
 * line, the ELF header at 64 KiB.
 *
 * <pre>{@code
 * Files.write(dir.resolve("osv-loader.qemu"), OsvLoaders.loader());
 * byte[] runs = OsvLoaders.bootable("OSv v0.0-synthetic", "Cmdline: /app/hello", "Hello from the application");
 * }</pre>
 */
public final class OsvLoaders {
    /** The size of {@link #loader()}: 300 KiB. */
    public static final int SIZE = 300 * 1024;
    /** The command line {@link #loader()} carries at byte 512. */
    public static final String DEFAULT_CMDLINE = "--norandom /tools/hello.so";
    /** Where the boot code of {@link #bootable} starts, after the boot sector's data fields. */
    static final int BOOT_CODE = 0x20;
    private static final int KERNEL_OFFSET = 65536;
    private static final int ELF32_HEADER = 52;

    private OsvLoaders() {
    }

    /**
     * A 300 KiB loader: boot sector with 55 AA and kernel-size field 8 (the 241664 bytes after
     * 64 KiB are 7.4 units of 32 KiB), the default command line, an ELF header at 65536 and
     * patterned bytes after it. It cannot boot: tests look at layouts.
     */
    public static byte[] loader() {
        return loader(SIZE, 8);
    }

    /** A loader of {@code size} bytes whose kernel-size field (at 0x10, in 32 KiB units) says {@code kernelUnits}. */
    public static byte[] loader(int size, int kernelUnits) {
        byte[] image = new byte[size];
        image[0] = (byte) 0xEA;
        image[0x10] = (byte) kernelUnits;
        image[0x11] = (byte) (kernelUnits >> 8);
        image[510] = 0x55;
        image[511] = (byte) 0xAA;
        byte[] cmdline = (DEFAULT_CMDLINE + "\0").getBytes(StandardCharsets.US_ASCII);
        if (size >= 1024) {
            System.arraycopy(cmdline, 0, image, 512, cmdline.length);
        }
        if (size >= 65536 + 4) {
            image[65536] = 0x7F;
            image[65537] = 'E';
            image[65538] = 'L';
            image[65539] = 'F';
            image[65540] = 1; // lzloader.elf is a 32-bit ELF
            for (int i = 65600; i < size; i++) {
                image[i] = (byte) (i * 31);
            }
        }
        return image;
    }

    /**
     * A {@link #loader()} whose boot sector, instead of OSv, prints {@code lines} on the serial
     * port and powers the VM off (ACPI on QEMU's pc machine), as OSv does when its application
     * exits: enough to exercise how OSv images are built and run.
     */
    public static byte[] bootable(String... lines) {
        byte[] image = loader();
        image[0] = (byte) 0xEB; // jmp 0x20, over the data fields (the kernel-size field is at 0x10)
        image[1] = BOOT_CODE - 2;
        PowerOffBootSector.writeAt(image, BOOT_CODE, lines);
        return image;
    }

    /**
     * A {@link #bootable} loader whose boot sector halts instead of powering off: QEMU keeps running
     * until it is stopped, as a long-running OSv application does.
     */
    public static byte[] halting(String... lines) {
        byte[] image = bootable(lines);
        image[BOOT_CODE + PowerOffBootSector.POWER_OFF_OUT] = PowerOffBootSector.NOP;
        return image;
    }

    /**
     * A bootable loader (its boot sector prints {@code diskLines}, as {@link #bootable}) that also
     * holds {@code kernel} the way OSv's loader holds its kernel: after the 32-bit
     * {@code lzloader.elf} header at 64 KiB, a segment table offset, the kernel as one stored
     * (uncompressed) segment, and the table: count 1, the segment's size twice. jcap takes the
     * kernel out of it to boot directly, as from a real loader.
     */
    public static byte[] withKernel(byte[] kernel, String... diskLines) {
        byte[] image = bootable(diskLines);
        int blob = KERNEL_OFFSET + ELF32_HEADER;
        if (blob + 4 + kernel.length + 12 > image.length) {
            throw new IllegalArgumentException("the kernel does not fit in the loader: " + kernel.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(blob, 4 + kernel.length);
        System.arraycopy(kernel, 0, image, blob + 4, kernel.length);
        b.putInt(blob + 4 + kernel.length, 1).putInt(blob + 8 + kernel.length, kernel.length)
                .putInt(blob + 12 + kernel.length, kernel.length);
        return image;
    }
}
