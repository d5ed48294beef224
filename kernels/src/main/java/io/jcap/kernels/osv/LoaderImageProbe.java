package io.jcap.kernels.osv;

import io.jcap.formats.mbr.PartitionEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Checks that a file with a boot signature is OSv's loader image, as OSv's build lays it out:
 * the boot sector, the command line from byte 512, the compressed kernel (an ELF file,
 * {@code lzloader.elf}) from byte 65536, and the boot sector's kernel-size field counting that
 * kernel in 32 KiB units. A bare loader has an empty partition table; a complete disk image
 * (loader plus file system) does not.
 */
final class LoaderImageProbe {
    static final long KERNEL_OFFSET = 65536;
    static final long KERNEL_UNIT = 32 * 1024;
    private static final byte[] ELF_MAGIC = {0x7F, 'E', 'L', 'F'};

    private LoaderImageProbe() {
    }

    /** Why the file is not a loader image, or null when it is one. */
    static String problem(FileChannel ch, long size, byte[] bootSector) throws IOException {
        if (size < KERNEL_OFFSET + ELF_MAGIC.length) {
            return "it has a boot sector but is only " + size + " bytes, too short to hold OSv's compressed kernel"
                    + " at byte 65536";
        }
        byte[] magic = new byte[ELF_MAGIC.length];
        OsvDisk.readFully(ch, ByteBuffer.wrap(magic), KERNEL_OFFSET);
        if (!java.util.Arrays.equals(magic, ELF_MAGIC)) {
            return "it has a boot sector but no compressed kernel (ELF header) at byte 65536";
        }
        int units = OsvDisk.kernelSizeField(bootSector);
        long kernelBytes = size - KERNEL_OFFSET;
        if (units == 0) {
            return "its kernel-size field at byte 0x10 is 0";
        }
        // The field is the kernel's size rounded up to 32 KiB, so the file holds more than
        // units - 1 whole units; it may be longer (releases pad the image).
        if (kernelBytes <= (units - 1) * KERNEL_UNIT) {
            return "its kernel-size field at byte 0x10 announces " + units + " x 32 KiB of kernel but only "
                    + kernelBytes + " bytes follow byte 65536";
        }
        for (int entry = 0; entry < 4; entry++) {
            int offset = 0x1BE + entry * PartitionEntry.SIZE;
            for (int i = 0; i < PartitionEntry.SIZE; i++) {
                if (bootSector[offset + i] != 0) {
                    return "its partition table is in use (entry " + (entry + 1) + "), so it is a complete OSv disk"
                            + " image, not a bare loader";
                }
            }
        }
        return null;
    }
}
