package io.jcap.formats.mbr;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One 16-byte MBR partition entry: bootable flag, starting CHS, system id, ending CHS, LBA start
 * and sector count (little-endian). An OSv image's file system lives in entry 2 (byte 0x1CE of
 * the boot sector), which OSv exposes as {@code /dev/vblk0.1}.
 *
 * <pre>{@code
 * PartitionEntry entry = PartitionEntry.linux(4096, 126976);
 * byte[] sixteen = entry.toBytes();
 * }</pre>
 */
public record PartitionEntry(boolean bootable, Chs start, int systemId, Chs end, long lbaStart, long sectorCount) {
    public static final int SIZE = 16;
    /** The system id OSv's tools write ("Linux"); OSv itself only requires it to be non-zero. */
    public static final int LINUX = 0x83;
    private static final long U32_MAX = 0xFFFF_FFFFL;

    public PartitionEntry {
        if (systemId < 0 || systemId > 0xFF) {
            throw new IllegalArgumentException("system id " + systemId + " is not a byte");
        }
        if (lbaStart < 0 || lbaStart > U32_MAX || sectorCount < 0 || sectorCount > U32_MAX) {
            throw new IllegalArgumentException("LBA start " + lbaStart + " and sector count " + sectorCount
                    + " must fit in 32 bits");
        }
    }

    /**
     * A Linux (0x83) entry for sectors {@code lbaStart .. lbaStart + sectorCount - 1}, with both CHS
     * addresses computed (the ending one addresses the partition's last sector).
     */
    public static PartitionEntry linux(long lbaStart, long sectorCount) {
        if (sectorCount < 1) {
            throw new IllegalArgumentException("a partition needs at least one sector, not " + sectorCount);
        }
        return new PartitionEntry(false, Chs.ofLba(lbaStart), LINUX, Chs.ofLba(lbaStart + sectorCount - 1),
                lbaStart, sectorCount);
    }

    /** Whether OSv creates a device for this entry: a non-zero system id and starting sector. */
    public boolean usedByOsv() {
        return systemId != 0 && start.sector() != 0;
    }

    /** Byte offset of the partition on the disk. */
    public long startBytes() {
        return lbaStart * BootRecord.SECTOR;
    }

    public long sizeBytes() {
        return sectorCount * BootRecord.SECTOR;
    }

    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) (bootable ? 0x80 : 0));
        b.put((byte) start.head());
        b.putShort((short) start.packedSectorCylinder());
        b.put((byte) systemId);
        b.put((byte) end.head());
        b.putShort((short) end.packedSectorCylinder());
        b.putInt((int) lbaStart);
        b.putInt((int) sectorCount);
        return b.array();
    }

    /** Parses the 16 bytes of an entry. */
    public static PartitionEntry parse(byte[] bytes) {
        return parse(bytes, 0);
    }

    /** Parses the 16 bytes of an entry starting at {@code offset} (0x1CE for entry 2 of a boot sector). */
    public static PartitionEntry parse(byte[] bytes, int offset) {
        if (offset < 0 || bytes.length - offset < SIZE) {
            throw new IllegalArgumentException("a partition entry is 16 bytes; " + Math.max(0, bytes.length - offset)
                    + " available at offset " + offset);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, offset, SIZE).order(ByteOrder.LITTLE_ENDIAN);
        boolean bootable = (b.get() & 0x80) != 0;
        int startHead = b.get() & 0xFF;
        Chs start = Chs.unpack(startHead, b.getShort() & 0xFFFF);
        int systemId = b.get() & 0xFF;
        int endHead = b.get() & 0xFF;
        Chs end = Chs.unpack(endHead, b.getShort() & 0xFFFF);
        long lbaStart = b.getInt() & U32_MAX;
        long count = b.getInt() & U32_MAX;
        return new PartitionEntry(bootable, start, systemId, end, lbaStart, count);
    }
}
