package io.jcap.formats.rofs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Block 0 of an OSv ROFS: eight little-endian uint64 fields, zero-padded to 512 bytes.
 *
 * <pre>{@code
 * RofsSuperblock sb = RofsSuperblock.parse(firstBlock);
 * long inodes = sb.inodeCount();
 * }</pre>
 */
public record RofsSuperblock(long magic, long version, long blockSize, long structureFirstBlock,
        long structureBlockCount, long directoryEntryCount, long symlinkCount, long inodeCount) {
    public static final long MAGIC = 0xDEADBEADL;
    public static final long VERSION = 1;
    public static final int BLOCK_SIZE = 512;
    /** The bytes the eight fields take; the rest of block 0 is zero. */
    public static final int FIELDS_SIZE = 64;

    /** A superblock of jcap's writer: OSv's magic, version 1, 512-byte blocks. */
    public static RofsSuperblock of(long structureFirstBlock, long structureBlockCount, long directoryEntryCount,
            long symlinkCount, long inodeCount) {
        return new RofsSuperblock(MAGIC, VERSION, BLOCK_SIZE, structureFirstBlock, structureBlockCount,
                directoryEntryCount, symlinkCount, inodeCount);
    }

    /** The whole of block 0: the fields, then zeros. */
    public byte[] toBlock() {
        ByteBuffer b = ByteBuffer.allocate(BLOCK_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(magic).putLong(version).putLong(blockSize).putLong(structureFirstBlock)
                .putLong(structureBlockCount).putLong(directoryEntryCount).putLong(symlinkCount).putLong(inodeCount);
        return b.array();
    }

    /** Reads the eight fields from the start of {@code bytes} (at least 64 bytes). */
    public static RofsSuperblock parse(byte[] bytes) {
        if (bytes.length < FIELDS_SIZE) {
            throw new IllegalArgumentException("a ROFS superblock has 64 bytes of fields, not " + bytes.length);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        return new RofsSuperblock(b.getLong(), b.getLong(), b.getLong(), b.getLong(), b.getLong(), b.getLong(),
                b.getLong(), b.getLong());
    }

    /** Blocks from the superblock to the end of the structure area: the file system's size. */
    public long totalBlocks() {
        return structureFirstBlock + structureBlockCount;
    }
}
