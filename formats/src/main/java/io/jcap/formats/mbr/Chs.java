package io.jcap.formats.mbr;

/**
 * A cylinder/head/sector address in an MBR partition entry, for the 255-head, 63-sectors-per-track
 * geometry OSv's tools assume. Sectors count from 1; a sector of 0 marks an unused address (and
 * OSv ignores a partition whose starting sector is 0).
 *
 * <pre>{@code
 * Chs chs = Chs.ofLba(4096); // cylinder 0, head 65, sector 2
 * }</pre>
 */
public record Chs(int cylinder, int head, int sector) {
    public static final int HEADS = 255;
    public static final int SECTORS_PER_TRACK = 63;
    public static final int MAX_CYLINDER = 1023;
    /** The address written for every sector beyond what CHS can express. */
    public static final Chs CAPPED = new Chs(MAX_CYLINDER, HEADS - 1, SECTORS_PER_TRACK);

    public Chs {
        if (cylinder < 0 || cylinder > MAX_CYLINDER || head < 0 || head > 255 || sector < 0
                || sector > SECTORS_PER_TRACK) {
            throw new IllegalArgumentException("not a CHS address (cylinder 0..1023, head 0..255, sector 0..63): "
                    + cylinder + "/" + head + "/" + sector);
        }
    }

    /** The address of logical block {@code lba}, capped at 1023/254/63 past cylinder 1023. */
    public static Chs ofLba(long lba) {
        if (lba < 0) {
            throw new IllegalArgumentException("negative LBA " + lba);
        }
        long track = lba / SECTORS_PER_TRACK;
        long cylinder = track / HEADS;
        if (cylinder > MAX_CYLINDER) {
            return CAPPED;
        }
        return new Chs((int) cylinder, (int) (track % HEADS), (int) (lba % SECTORS_PER_TRACK) + 1);
    }

    /**
     * The 16-bit field as OSv reads it (a bit field: sector in bits 0-5, cylinder in bits 6-15).
     * This differs from the classic BIOS packing (cylinder bits 8-9 in the sector byte) except for
     * cylinders below 4 and for the capped address, which is 0xFFFF either way.
     */
    int packedSectorCylinder() {
        return sector | (cylinder << 6);
    }

    static Chs unpack(int head, int packed) {
        return new Chs(packed >>> 6, head, packed & 0x3F);
    }

    @Override
    public String toString() {
        return cylinder + "/" + head + "/" + sector;
    }
}
