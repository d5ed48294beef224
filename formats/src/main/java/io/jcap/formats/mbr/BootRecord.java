package io.jcap.formats.mbr;

import io.jcap.model.JcapException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A disk's master boot record: its first 512-byte sector, the 55 AA signature at byte 510 and
 * four 16-byte partition entries from byte 0x1BE.
 *
 * <pre>{@code
 * PartitionEntry fs = BootRecord.read(disk).partition(2);   // OSv keeps its file system there
 * }</pre>
 */
public final class BootRecord {
    public static final int SECTOR = 512;
    public static final int SIGNATURE_OFFSET = 510;
    /** Where entry 1 starts; entry {@code n} is at {@code 0x1BE + 16 * (n - 1)}. */
    public static final int PARTITIONS_OFFSET = 0x1BE;

    private final byte[] sector;

    private BootRecord(byte[] sector) {
        this.sector = sector;
    }

    /** The boot record of a disk image; an error when the file is shorter than a sector or unsigned. */
    public static BootRecord read(Path disk) throws JcapException {
        byte[] sector = new byte[SECTOR];
        try {
            long size = Files.size(disk);
            if (size < SECTOR) {
                throw new JcapException(disk + " is not a bootable disk: it is " + size
                        + " bytes, less than a boot sector");
            }
            try (InputStream in = Files.newInputStream(disk)) {
                in.readNBytes(sector, 0, SECTOR);
            }
        } catch (IOException e) {
            throw new JcapException("cannot read the boot sector of " + disk + ": " + e.getMessage(), e);
        }
        if (!hasSignature(sector)) {
            throw new JcapException(disk + " is not a bootable disk: no boot signature 55 AA at byte 510");
        }
        return new BootRecord(sector);
    }

    /** Whether a boot sector ends with the 55 AA signature. */
    public static boolean hasSignature(byte[] sector) {
        return sector.length >= SECTOR && (sector[SIGNATURE_OFFSET] & 0xFF) == 0x55
                && (sector[SIGNATURE_OFFSET + 1] & 0xFF) == 0xAA;
    }

    /** Byte offset of partition entry {@code n} (1 to 4) in the boot sector. */
    public static int entryOffset(int n) {
        if (n < 1 || n > 4) {
            throw new IllegalArgumentException("an MBR has partition entries 1 to 4, not " + n);
        }
        return PARTITIONS_OFFSET + PartitionEntry.SIZE * (n - 1);
    }

    /** Partition entry {@code n} (1 to 4). */
    public PartitionEntry partition(int n) {
        return PartitionEntry.parse(sector, entryOffset(n));
    }
}
