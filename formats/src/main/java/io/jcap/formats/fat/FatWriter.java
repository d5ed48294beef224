package io.jcap.formats.fat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a whole FAT12/16 volume: boot sector, two FATs, the root directory (volume label first),
 * subdirectories with {@code .} and {@code ..}, and file data, each file and directory in
 * consecutive clusters allocated depth-first in name order. Everything else is zero, every entry
 * carries the volume's time stamp: the same volume gives the same bytes.
 *
 * <pre>{@code
 * byte[] image = FatWriter.write(esp);
 * FatWriter.write(esp, diskChannel, 2048L * 512);   // as partition 1 of a disk, from LBA 2048
 * }</pre>
 */
public final class FatWriter {
    private static final int ZEROS = 64 << 10;

    private FatWriter() {
    }

    /**
     * The volume's bytes, {@code volume.sizeBytes()} of them (hidden sectors 0: a volume on its own).
     * For a large volume, prefer {@link #write(FatVolume, FileChannel, long)}, which holds only the
     * structures and the files in memory.
     *
     * @throws IllegalArgumentException when the files do not fit, with the bytes needed and available
     */
    public static byte[] write(FatVolume volume) {
        byte[] image = new byte[(int) volume.sizeBytes()];
        for (Map.Entry<Long, byte[]> chunk : layout(volume, 0).entrySet()) {
            System.arraycopy(chunk.getValue(), 0, image, (int) (long) chunk.getKey(), chunk.getValue().length);
        }
        return image;
    }

    /**
     * Writes the volume into {@code channel} from byte {@code offset}, zeros included, as a partition
     * starting at sector {@code offset / 512} of the disk the channel holds: the boot sector's
     * hidden-sector count says so, as firmware and Windows expect of a partition.
     *
     * @throws IllegalArgumentException when the offset is not a multiple of 512 or the files do not fit
     * @throws IOException when writing fails
     */
    public static void write(FatVolume volume, FileChannel channel, long offset) throws IOException {
        if (offset < 0 || offset % FatGeometry.SECTOR != 0) {
            throw new IllegalArgumentException("FAT volume offset " + offset + " is not allowed: give a multiple of 512"
                    + " (the partition's first LBA * 512)");
        }
        TreeMap<Long, byte[]> chunks = layout(volume, offset / FatGeometry.SECTOR);
        chunks.put(volume.sizeBytes(), new byte[0]);
        ByteBuffer zeros = ByteBuffer.allocate(ZEROS);
        long position = 0;
        for (Map.Entry<Long, byte[]> chunk : chunks.entrySet()) {
            while (position < chunk.getKey()) {
                zeros.clear().limit((int) Math.min(ZEROS, chunk.getKey() - position));
                position += channel.write(zeros, offset + position);
            }
            ByteBuffer bytes = ByteBuffer.wrap(chunk.getValue());
            while (bytes.hasRemaining()) {
                channel.write(bytes, offset + position + bytes.position());
            }
            position += chunk.getValue().length;
        }
    }

    /** The non-zero parts of the volume by byte offset. */
    static TreeMap<Long, byte[]> layout(FatVolume volume, long hiddenSectors) {
        FatGeometry g = FatGeometry.of(volume.sizeBytes());
        FatTree.Dir root = FatTree.of(volume.files());
        if (root.children().size() + 1 > FatGeometry.ROOT_ENTRIES) {
            throw new IllegalArgumentException("the root directory holds " + (FatGeometry.ROOT_ENTRIES - 1)
                    + " entries besides the volume label, not " + root.children().size() + ": put files in directories");
        }
        long needed = root.clustersBelow(g.bytesPerCluster());
        if (needed > g.clusterCount()) {
            throw new IllegalArgumentException("the files do not fit in the FAT volume of " + volume.sizeBytes()
                    + " bytes: they need " + needed * g.bytesPerCluster() + " bytes (" + needed + " clusters of "
                    + g.bytesPerCluster() + " bytes, directories included) but " + (long) g.clusterCount()
                    * g.bytesPerCluster() + " bytes (" + g.clusterCount() + " clusters) are available");
        }
        root.allocate(2, g.bytesPerCluster());

        TreeMap<Long, byte[]> chunks = new TreeMap<>();
        chunks.put(0L, BootSector.bytes(g, volume, hiddenSectors));
        byte[] fat = new byte[g.fatSectors() * FatGeometry.SECTOR];
        g.type().put(fat, 0, g.type().mediaEntry);
        g.type().put(fat, 1, g.type().endOfChain);
        byte[] rootDir = new byte[FatGeometry.ROOT_SECTORS * FatGeometry.SECTOR];
        DirectoryEntry.put(rootDir, 0, ShortName.label(volume.label()), DirectoryEntry.VOLUME_ID, 0, 0,
                volume.timestamp());
        root.emit(rootDir, DirectoryEntry.SIZE, 0, g, fat, chunks, volume.timestamp());
        chunks.put(g.rootStart() * FatGeometry.SECTOR, rootDir);
        for (int copy = 0; copy < FatGeometry.FAT_COUNT; copy++) {
            chunks.put((g.fatStart() + (long) copy * g.fatSectors()) * FatGeometry.SECTOR, fat);
        }
        return chunks;
    }
}
