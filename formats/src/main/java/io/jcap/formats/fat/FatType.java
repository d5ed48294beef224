package io.jcap.formats.fat;

/**
 * FAT12 or FAT16, which the specification decides by the count of data clusters alone: fewer
 * than 4085 is FAT12, fewer than 65525 FAT16.
 */
public enum FatType {
    FAT12(12, 4085, 0xFF8, 0xFFF),
    FAT16(16, 65525, 0xFFF8, 0xFFFF);

    /** Counts this close to a boundary are avoided: some readers get the comparison wrong by a few. */
    static final int BOUNDARY_MARGIN = 16;

    final int bits;
    /** The first cluster count that is no longer this type. */
    final int countLimit;
    /** FAT[0]: the media byte 0xF8 with the other bits set. */
    final int mediaEntry;
    /** End of a cluster chain (also FAT[1]: clean, no errors). */
    final int endOfChain;

    FatType(int bits, int countLimit, int mediaEntry, int endOfChain) {
        this.bits = bits;
        this.countLimit = countLimit;
        this.mediaEntry = mediaEntry;
        this.endOfChain = endOfChain;
    }

    /** Bytes of a FAT with entries for clusters 0 to {@code clusters + 1}. */
    long fatBytes(long clusters) {
        return ((clusters + 2) * bits + 7) / 8;
    }

    /** Sets entry {@code cluster} of the FAT in {@code fat} to {@code value}. */
    void put(byte[] fat, int cluster, int value) {
        if (this == FAT16) {
            fat[2 * cluster] = (byte) value;
            fat[2 * cluster + 1] = (byte) (value >>> 8);
            return;
        }
        int offset = cluster + cluster / 2;
        if (cluster % 2 == 0) {
            fat[offset] = (byte) value;
            fat[offset + 1] = (byte) ((fat[offset + 1] & 0xF0) | ((value >>> 8) & 0x0F));
        } else {
            fat[offset] = (byte) ((fat[offset] & 0x0F) | ((value << 4) & 0xF0));
            fat[offset + 1] = (byte) (value >>> 4);
        }
    }

    /** Entry {@code cluster} of the FAT in {@code fat}. */
    int get(byte[] fat, int cluster) {
        if (this == FAT16) {
            return (fat[2 * cluster] & 0xFF) | (fat[2 * cluster + 1] & 0xFF) << 8;
        }
        int offset = cluster + cluster / 2;
        int pair = (fat[offset] & 0xFF) | (fat[offset + 1] & 0xFF) << 8;
        return cluster % 2 == 0 ? pair & 0xFFF : pair >>> 4;
    }
}
