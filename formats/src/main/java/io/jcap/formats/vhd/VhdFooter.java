package io.jcap.formats.vhd;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The footer of a fixed VHD, as the Virtual Hard Disk Image Format Specification lays it out
 * (512 bytes, big-endian): cookie {@code conectix}, features 2, version 1.0, no data offset, a
 * timestamp in seconds since 2000-01-01 UTC, the creator, the disk's size twice (original and
 * current), its CHS geometry, disk type 2 (fixed), the one's complement checksum, a unique ID.
 * Azure reads the size from {@code currentSize}, which must be a whole number of MiB.
 *
 * <pre>{@code
 * byte[] footer = VhdFooter.fixed(1L << 30, uniqueId, 0).bytes();   // the last 512 bytes of the VHD
 * }</pre>
 *
 * @param currentSize the disk's size in bytes, a multiple of 512
 * @param cylinders the geometry's cylinders, from {@link #geometry}
 * @param heads its heads
 * @param sectorsPerTrack its sectors per track
 * @param uniqueId 16 bytes that identify the disk
 * @param timestamp seconds since 2000-01-01 00:00 UTC
 */
public record VhdFooter(long currentSize, int cylinders, int heads, int sectorsPerTrack, byte[] uniqueId,
                        long timestamp) {
    /** A footer's length, and the unit of a fixed disk. */
    public static final int SIZE = 512;
    static final byte[] COOKIE = "conectix".getBytes(StandardCharsets.US_ASCII);
    /** Who made the disk: the spec leaves the creator application free. */
    static final byte[] CREATOR = "jcap".getBytes(StandardCharsets.US_ASCII);
    static final int CREATOR_VERSION = 0x0001_0000;
    /** The host OS code of the spec's Windows ("Wi2k"), which Hyper-V and Azure's own tools write. */
    static final int CREATOR_HOST = 0x5769_326b;
    static final int FIXED = 2;
    private static final int CHECKSUM_AT = 64;

    public VhdFooter {
        if (currentSize <= 0 || currentSize % SIZE != 0) {
            throw new IllegalArgumentException("a VHD's size is a positive multiple of 512 bytes, not " + currentSize);
        }
        if (uniqueId.length != 16) {
            throw new IllegalArgumentException("a VHD's unique ID has 16 bytes, not " + uniqueId.length);
        }
        uniqueId = uniqueId.clone();
    }

    /** The footer of a fixed disk of {@code size} bytes, with the geometry the spec computes for it. */
    public static VhdFooter fixed(long size, byte[] uniqueId, long timestamp) {
        int[] chs = geometry(size / SIZE);
        return new VhdFooter(size, chs[0], chs[1], chs[2], uniqueId, timestamp);
    }

    @Override
    public byte[] uniqueId() {
        return uniqueId.clone();
    }

    /** The 512 bytes, checksum included. */
    public byte[] bytes() {
        ByteBuffer b = ByteBuffer.allocate(SIZE);
        b.put(COOKIE).putInt(2).putInt(0x0001_0000).putLong(-1L).putInt((int) timestamp)
                .put(CREATOR).putInt(CREATOR_VERSION).putInt(CREATOR_HOST)
                .putLong(currentSize).putLong(currentSize)
                .putShort((short) cylinders).put((byte) heads).put((byte) sectorsPerTrack)
                .putInt(FIXED).putInt(0).put(uniqueId).put((byte) 0);
        byte[] bytes = b.array();
        ByteBuffer.wrap(bytes).putInt(CHECKSUM_AT, checksum(bytes));
        return bytes;
    }

    /** The spec's checksum: the one's complement of the sum of every byte but the checksum's own four. */
    static int checksum(byte[] footer) {
        int sum = 0;
        for (int i = 0; i < SIZE; i++) {
            if (i < CHECKSUM_AT || i >= CHECKSUM_AT + 4) {
                sum += footer[i] & 0xff;
            }
        }
        return ~sum;
    }

    /**
     * The spec's CHS geometry of a disk of {@code totalSectors} 512-byte sectors, as cylinders,
     * heads and sectors per track (capped at 65535 × 16 × 255 for larger disks).
     */
    static int[] geometry(long totalSectors) {
        long sectors = Math.min(totalSectors, 65535L * 16 * 255);
        long sectorsPerTrack;
        long heads;
        long cylinderTimesHeads;
        if (sectors >= 65535L * 16 * 63) {
            sectorsPerTrack = 255;
            heads = 16;
            cylinderTimesHeads = sectors / sectorsPerTrack;
        } else {
            sectorsPerTrack = 17;
            cylinderTimesHeads = sectors / sectorsPerTrack;
            heads = Math.max(4, (cylinderTimesHeads + 1023) / 1024);
            if (cylinderTimesHeads >= heads * 1024 || heads > 16) {
                sectorsPerTrack = 31;
                heads = 16;
                cylinderTimesHeads = sectors / sectorsPerTrack;
            }
            if (cylinderTimesHeads >= heads * 1024) {
                sectorsPerTrack = 63;
                heads = 16;
                cylinderTimesHeads = sectors / sectorsPerTrack;
            }
        }
        return new int[] {(int) (cylinderTimesHeads / heads), (int) heads, (int) sectorsPerTrack};
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof VhdFooter f && Arrays.equals(f.bytes(), bytes());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes());
    }

    @Override
    public String toString() {
        return "VhdFooter[fixed, " + currentSize + " bytes, CHS " + cylinders + "/" + heads + "/" + sectorsPerTrack + "]";
    }
}
