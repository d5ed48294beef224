package io.jcap.formats.fat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a FAT12/16 volume back into a {@link FatVolume}: its size, label and serial from the boot
 * sector, its time stamp from the volume label entry, and every file by its 8.3 path. Long-name
 * entries are skipped (their short names are read), so a volume made elsewhere reads too as long
 * as its short names are upper-case 8.3 ones.
 *
 * <pre>{@code
 * byte[] grub = FatReader.read(image).files().get("/EFI/BOOT/BOOTX64.EFI");
 * }</pre>
 */
public final class FatReader {
    private static final int LONG_NAME = 0x0F;
    private static final int DELETED = 0xE5;

    private FatReader() {
    }

    /**
     * The volume in {@code image}.
     *
     * @throws IllegalArgumentException when it is not a FAT12/16 volume or a cluster chain leaves the volume
     */
    public static FatVolume read(byte[] image) {
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        if (image.length < FatGeometry.SECTOR || (image[510] & 0xFF) != 0x55 || (image[511] & 0xFF) != 0xAA
                || b.getShort(11) != FatGeometry.SECTOR || b.get(13) == 0 || b.getShort(22) == 0) {
            throw new IllegalArgumentException("not a FAT12/16 volume: no 55 AA, 512-byte sectors and FAT size in"
                    + " its boot sector");
        }
        int spc = b.get(13) & 0xFF;
        int reserved = b.getShort(14) & 0xFFFF;
        int fats = b.get(16) & 0xFF;
        int rootEntries = b.getShort(17) & 0xFFFF;
        long total = (b.getShort(19) & 0xFFFF) != 0 ? b.getShort(19) & 0xFFFF : b.getInt(32) & 0xFFFF_FFFFL;
        int fatSectors = b.getShort(22) & 0xFFFF;
        int rootSectors = (rootEntries * DirectoryEntry.SIZE + FatGeometry.SECTOR - 1) / FatGeometry.SECTOR;
        long dataStart = reserved + (long) fats * fatSectors + rootSectors;
        int count = (int) ((total - dataStart) / spc);
        FatType type = count < FatType.FAT12.countLimit ? FatType.FAT12 : FatType.FAT16;
        if (dataStart >= total || count >= FatType.FAT16.countLimit || total * FatGeometry.SECTOR > image.length) {
            throw new IllegalArgumentException("not a FAT12/16 volume of " + image.length + " bytes: its boot sector"
                    + " gives " + total + " sectors and " + count + " clusters");
        }
        byte[] fat = new byte[fatSectors * FatGeometry.SECTOR];
        System.arraycopy(image, reserved * FatGeometry.SECTOR, fat, 0, fat.length);
        FatGeometry g = new FatGeometry(type, total, spc, fatSectors, count);

        byte[] root = new byte[rootSectors * FatGeometry.SECTOR];
        System.arraycopy(image, (int) ((reserved + (long) fats * fatSectors) * FatGeometry.SECTOR), root, 0,
                root.length);
        Map<String, byte[]> files = new TreeMap<>();
        Instant[] stamp = {FatVolume.DOS_EPOCH};
        walk(image, g, fat, root, "/", files, stamp);
        String label = new String(image, 43, 11, StandardCharsets.US_ASCII).stripTrailing();
        return new FatVolume(total * FatGeometry.SECTOR, label, b.getInt(39), stamp[0], files);
    }

    private static void walk(byte[] image, FatGeometry g, byte[] fat, byte[] dir, String path,
            Map<String, byte[]> files, Instant[] stamp) {
        ByteBuffer d = ByteBuffer.wrap(dir).order(ByteOrder.LITTLE_ENDIAN);
        for (int offset = 0; offset + DirectoryEntry.SIZE <= dir.length; offset += DirectoryEntry.SIZE) {
            int first = dir[offset] & 0xFF;
            int attributes = dir[offset + 11] & 0xFF;
            if (first == 0) {
                return;
            }
            if (first == DELETED || attributes == LONG_NAME || first == '.') {
                continue;
            }
            if ((attributes & DirectoryEntry.VOLUME_ID) != 0) {
                stamp[0] = time(d.getShort(offset + 24) & 0xFFFF, d.getShort(offset + 22) & 0xFFFF);
                continue;
            }
            String name = path + ShortName.decode(dir, offset);
            byte[] content = chain(image, g, fat, d.getShort(offset + 26) & 0xFFFF, name);
            if ((attributes & DirectoryEntry.DIRECTORY) != 0) {
                walk(image, g, fat, content, name + "/", files, stamp);
            } else {
                long size = d.getInt(offset + 28) & 0xFFFF_FFFFL;
                if (size > content.length) {
                    throw new IllegalArgumentException(name + " is " + size + " bytes but its clusters hold "
                            + content.length);
                }
                files.put(name, java.util.Arrays.copyOf(content, (int) size));
            }
        }
    }

    private static byte[] chain(byte[] image, FatGeometry g, byte[] fat, int first, String name) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int cluster = first;
        for (int hops = 0; cluster >= 2 && cluster < g.clusterCount() + 2; hops++) {
            if (hops > g.clusterCount()) {
                throw new IllegalArgumentException("the cluster chain of " + name + " loops");
            }
            out.write(image, (int) g.clusterOffset(cluster), g.bytesPerCluster());
            cluster = g.type().get(fat, cluster);
        }
        if (first != 0 && cluster < (g.type().endOfChain & ~7)) {
            throw new IllegalArgumentException("the cluster chain of " + name + " leads to cluster " + cluster
                    + ", which is neither a data cluster nor an end of chain");
        }
        return out.toByteArray();
    }

    private static Instant time(int date, int clock) {
        return LocalDateTime.of(1980 + (date >>> 9), (date >>> 5) & 0xF, date & 0x1F, clock >>> 11, (clock >>> 5) & 0x3F,
                (clock & 0x1F) * 2).toInstant(ZoneOffset.UTC);
    }
}
