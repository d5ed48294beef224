package io.jcap.formats.qcow2;

import io.jcap.formats.DiskFormat;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Reads the guest's first 64 KiB of a disk image: of a raw file, its first bytes; of a qcow2
 * image (as {@code qemu-img convert -c} writes jcap's images), the cluster its L1 and L2 tables
 * map guest byte 0 to, whether stored plainly, deflate-compressed, or not at all (zeros). What
 * jcap does not write (other cluster sizes, zstd compression, a backing file of its own,
 * encryption) is refused with the reason.
 */
final class Qcow2FirstCluster {
    private static final int CLUSTER = Qcow2Overlay.CLUSTER_SIZE;
    private static final long OFFSET_MASK = 0x00FF_FFFF_FFFF_FE00L;
    private static final long COMPRESSED = 1L << 62;
    private static final long ZERO = 1L;
    private static final int SECTOR = 512;

    private Qcow2FirstCluster() {
    }

    static byte[] read(Path image, DiskFormat format) throws JcapException {
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.READ)) {
            byte[] cluster = new byte[CLUSTER];
            if (format == DiskFormat.RAW) {
                readUpTo(ch, ByteBuffer.wrap(cluster), 0);
                return cluster;
            }
            ByteBuffer h = ByteBuffer.allocate(112);
            readUpTo(ch, h, 0);
            h.flip();
            int version = h.getInt(4);
            long backingOffset = h.getLong(8);
            int clusterBits = h.getInt(20);
            int encryption = h.getInt(32);
            int l1Size = h.getInt(36);
            long l1Offset = h.getLong(40);
            int headerLength = version >= 3 ? h.getInt(100) : 72;
            int compressionType = version >= 3 && headerLength > 104 ? h.get(104) : 0;
            if (clusterBits != 16 || encryption != 0 || backingOffset != 0 || compressionType != 0) {
                throw unsupported(image, "cluster bits " + clusterBits + ", encryption " + encryption
                        + ", backing file " + (backingOffset != 0) + ", compression type " + compressionType);
            }
            if (l1Size == 0) {
                return cluster;
            }
            long l2Offset = entry(ch, l1Offset) & OFFSET_MASK;
            if (l2Offset == 0) {
                return cluster;
            }
            long l2 = entry(ch, l2Offset);
            if ((l2 & COMPRESSED) != 0) {
                int offsetBits = 62 - (clusterBits - 8);
                long hostOffset = l2 & ((1L << offsetBits) - 1);
                long sectors = ((l2 >>> offsetBits) & ((1L << (clusterBits - 8)) - 1)) + 1;
                int length = (int) (sectors * SECTOR - (hostOffset & (SECTOR - 1)));
                ByteBuffer packed = ByteBuffer.allocate(length);
                readUpTo(ch, packed, hostOffset);
                inflate(packed.array(), packed.position(), cluster, image);
                return cluster;
            }
            long hostOffset = l2 & OFFSET_MASK;
            if (hostOffset == 0 || (l2 & ZERO) != 0) {
                return cluster;
            }
            readUpTo(ch, ByteBuffer.wrap(cluster), hostOffset);
            return cluster;
        } catch (IOException e) {
            throw new JcapException("cannot read the first cluster of " + image + ": " + e.getMessage(), e);
        }
    }

    private static long entry(FileChannel ch, long offset) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8);
        readUpTo(ch, b, offset);
        if (b.hasRemaining()) {
            throw new IOException("a table entry at byte " + offset + " lies past the end of the file");
        }
        return b.getLong(0);
    }

    private static void inflate(byte[] packed, int length, byte[] cluster, Path image) throws JcapException {
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(packed, 0, length);
            int n = 0;
            while (n < cluster.length && !inflater.finished()) {
                int got = inflater.inflate(cluster, n, cluster.length - n);
                if (got == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                n += got;
            }
            if (n != cluster.length) {
                throw new JcapException("the first cluster of " + image + " inflates to " + n + " bytes, not "
                        + cluster.length + ": the image is damaged");
            }
        } catch (DataFormatException e) {
            throw new JcapException("the first cluster of " + image + " is not valid deflate data: the image is damaged",
                    e);
        } finally {
            inflater.end();
        }
    }

    /** Reads into {@code buffer} from {@code position} until it is full or the file ends. */
    private static void readUpTo(FileChannel ch, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = ch.read(buffer, at);
            if (n < 0) {
                return;
            }
            at += n;
        }
    }

    private static JcapException unsupported(Path image, String what) {
        return new JcapException("cannot patch the first cluster of " + image + ": jcap reads qcow2 images with 64 KiB"
                + " clusters, no encryption, no backing file and zlib compression, and this one has " + what);
    }
}
