package io.jcap.formats.rofs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One 32-byte inode of an OSv ROFS: mode, number, data offset, count (little-endian uint64). What
 * offset and count mean depends on the type: a folder's first directory-entry index and number
 * of children, a file's first block and size in bytes, a symbolic link's index in the symlink
 * table and 1.
 */
public record RofsInode(long mode, long number, long dataOffset, long count) {
    public static final int SIZE = 32;
    public static final int TYPE_MASK = 0xF000;
    public static final int DIRECTORY = 0x4000;
    public static final int REGULAR = 0x8000;
    public static final int SYMLINK = 0xA000;

    /** The type bits (0x4000, 0x8000 or 0xA000; anything else for a damaged inode). */
    public int type() {
        return (int) (mode & TYPE_MASK);
    }

    /** The permission bits (OSv itself shows every ROFS file as 0555). */
    public int permissions() {
        return (int) (mode & 07777);
    }

    void writeTo(ByteBuffer b) {
        b.putLong(mode).putLong(number).putLong(dataOffset).putLong(count);
    }

    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        writeTo(b);
        return b.array();
    }

    static RofsInode read(ByteBuffer b) {
        return new RofsInode(b.getLong(), b.getLong(), b.getLong(), b.getLong());
    }
}
