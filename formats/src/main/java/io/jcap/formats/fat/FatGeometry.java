package io.jcap.formats.fat;

/**
 * Where things go on a FAT12/16 volume of a given size: one reserved sector (the boot sector), two
 * FATs, a root directory of 512 entries, then the data clusters, numbered from 2.
 *
 * <p>The cluster size starts from the specification's table for FAT16 (2 sectors up to 16 MiB, 4 up
 * to 128 MiB, ...; volumes of 8400 sectors or fewer are FAT12 from 1 sector) and doubles while the
 * cluster count is within {@link FatType#BOUNDARY_MARGIN} of the type's limit; the type then follows
 * from the count.
 *
 * <pre>{@code
 * FatGeometry g = FatGeometry.of(8 << 20);   // FAT16, 2 sectors per cluster, 8143 clusters
 * }</pre>
 */
public record FatGeometry(FatType type, long totalSectors, int sectorsPerCluster, int fatSectors, int clusterCount) {
    public static final int SECTOR = 512;
    public static final int RESERVED_SECTORS = 1;
    public static final int FAT_COUNT = 2;
    public static final int ROOT_ENTRIES = 512;
    public static final int ROOT_SECTORS = ROOT_ENTRIES * 32 / SECTOR;
    /** The FAT specification: larger clusters than 32 KiB break some readers. */
    static final int MAX_SECTORS_PER_CLUSTER = 64;
    private static final long FAT12_MAX_SECTORS = 8400;
    private static final long[][] FAT16_TABLE = {{32680, 2}, {262144, 4}, {524288, 8}, {1048576, 16}, {Long.MAX_VALUE, 32}};

    /** The geometry of a volume of {@code sizeBytes} (a multiple of 512, as {@link FatVolume} checks). */
    public static FatGeometry of(long sizeBytes) {
        long sectors = sizeBytes / SECTOR;
        boolean fat16 = sectors > FAT12_MAX_SECTORS;
        FatType type = fat16 ? FatType.FAT16 : FatType.FAT12;
        int spc = 1;
        if (fat16) {
            for (long[] row : FAT16_TABLE) {
                if (sectors <= row[0]) {
                    spc = (int) row[1];
                    break;
                }
            }
        }
        while (true) {
            if (spc > MAX_SECTORS_PER_CLUSTER) {
                throw new IllegalArgumentException("a FAT volume of " + sizeBytes + " bytes has too many clusters for "
                        + type + " even with 32 KiB clusters");
            }
            FatGeometry g = layout(type, sectors, spc);
            if (g.clusterCount() < type.countLimit - FatType.BOUNDARY_MARGIN) {
                if (fat16 && g.clusterCount() < FatType.FAT12.countLimit + FatType.BOUNDARY_MARGIN) {
                    throw new IllegalStateException("FAT16 volume of " + sectors + " sectors has only "
                            + g.clusterCount() + " clusters");
                }
                return g;
            }
            spc *= 2;
        }
    }

    private static FatGeometry layout(FatType type, long sectors, int spc) {
        long beforeData = RESERVED_SECTORS + ROOT_SECTORS;
        // The FAT is sized for every cluster the space would hold without FATs: a few sectors too
        // many at most, which the specification allows (the FAT may be larger than the count needs).
        long upperCount = (sectors - beforeData) / spc;
        int fatSectors = (int) ((type.fatBytes(upperCount) + SECTOR - 1) / SECTOR);
        long count = (sectors - beforeData - (long) FAT_COUNT * fatSectors) / spc;
        return new FatGeometry(type, sectors, spc, fatSectors, (int) count);
    }

    public int bytesPerCluster() {
        return sectorsPerCluster * SECTOR;
    }

    /** Sector of the first FAT. */
    public long fatStart() {
        return RESERVED_SECTORS;
    }

    public long rootStart() {
        return RESERVED_SECTORS + (long) FAT_COUNT * fatSectors;
    }

    public long dataStart() {
        return rootStart() + ROOT_SECTORS;
    }

    /** Byte offset of data cluster {@code cluster} (2 is the first) from the volume's start. */
    public long clusterOffset(int cluster) {
        return (dataStart() + (long) (cluster - 2) * sectorsPerCluster) * SECTOR;
    }
}
