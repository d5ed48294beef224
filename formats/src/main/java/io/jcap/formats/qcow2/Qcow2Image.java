package io.jcap.formats.qcow2;

import io.jcap.model.JcapException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A self-contained qcow2 image read as the disk its guest sees, without {@code qemu-img} and
 * without a raw copy: which ranges hold data ({@link #dataExtents()}), and the guest's bytes of
 * any range ({@link #read}). Push targets send only the data ranges of a disk (EBS blocks, page
 * blob pages), read straight from the image. Clusters stored whole, compressed with zlib or zstd
 * (jcap's own images are zstd-compressed), flagged as zeros, or never written are understood;
 * an image with a backing file, an external data file, encryption, extended L2 entries or the
 * corrupt flag is refused.
 *
 * <pre>{@code
 * try (Qcow2Image disk = Qcow2Image.open(Path.of("image.qcow2"))) {
 *     for (Extent e : disk.dataExtents()) { byte[] b = new byte[(int) e.length()]; disk.read(e.offset(), b, 0, b.length); }
 * }
 * }</pre>
 *
 * <p>Reads are safe from several threads at once (positional reads, a decompressor per call).
 */
public final class Qcow2Image implements AutoCloseable {
    private static final long OFFSET_MASK = 0x00ff_ffff_ffff_fe00L;
    private static final long COMPRESSED = 1L << 62;
    private static final long ZERO = 1L;
    private static final long INCOMPATIBLE_KNOWN = 0b1_1111;
    private static final long CORRUPT = 1L << 1;
    private static final long EXTERNAL_DATA = 1L << 2;
    private static final long EXTENDED_L2 = 1L << 4;
    /** No qcow2 image QEMU writes has a larger L1 table. */
    private static final long MAX_L1_BYTES = 32L << 20;

    private final Path file;
    private final FileChannel channel;
    private final int clusterBits;
    private final long virtualSize;
    private final boolean zstd;
    /** The L2 entry of every guest cluster (0: never written). */
    private final long[] entries;

    private Qcow2Image(Path file, FileChannel channel, int clusterBits, long virtualSize, boolean zstd, long[] entries) {
        this.file = file;
        this.channel = channel;
        this.clusterBits = clusterBits;
        this.virtualSize = virtualSize;
        this.zstd = zstd;
        this.entries = entries;
    }

    /**
     * Opens {@code file} and reads its cluster map.
     *
     * @throws JcapException when it cannot be read, is not qcow2, or uses a feature named above as refused
     */
    public static Qcow2Image open(Path file) throws JcapException {
        Qcow2Header.requireSelfContained(file, "image");
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
            ByteBuffer h = readAt(channel, 0, 105);
            if (h.remaining() < 72 || h.getInt(0) != Qcow2Header.MAGIC) {
                throw new JcapException(file + " is not a qcow2 image (no QFI\\xfb magic at its start)");
            }
            int version = h.getInt(4);
            int clusterBits = h.getInt(20);
            long size = h.getLong(24);
            if (clusterBits < 9 || clusterBits > 21 || size < 0) {
                throw new JcapException(file + " has a damaged qcow2 header: cluster_bits " + clusterBits + ", size " + size);
            }
            if (h.getInt(32) != 0) {
                throw new JcapException(file + " is an encrypted qcow2 image: jcap pushes only unencrypted disks");
            }
            boolean zstd = false;
            if (version >= 3 && h.remaining() >= 104) {
                long incompatible = h.getLong(72);
                String refused = (incompatible & ~INCOMPATIBLE_KNOWN) != 0 ? "unknown incompatible features"
                        : (incompatible & CORRUPT) != 0 ? "the corrupt flag (qemu-img check -r all repairs it)"
                        : (incompatible & EXTERNAL_DATA) != 0 ? "an external data file"
                        : (incompatible & EXTENDED_L2) != 0 ? "extended L2 entries (subclusters)" : null;
                if (refused != null) {
                    throw new JcapException(file + " is a qcow2 image with " + refused + " (incompatible features 0x"
                            + Long.toHexString(incompatible) + "): convert it with qemu-img convert -O qcow2 first");
                }
                zstd = h.getInt(100) > 104 && h.remaining() > 104 && h.get(104) == 1;
            }
            long[] entries = clusterMap(file, channel, h, clusterBits, size);
            return new Qcow2Image(file, channel, clusterBits, size, zstd, entries);
        } catch (NoSuchFileException e) {
            close(channel);
            throw new JcapException("cannot read " + file + ": no such file", e);
        } catch (IOException e) {
            close(channel);
            throw new JcapException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (JcapException | RuntimeException e) {
            close(channel);
            throw e;
        }
    }

    private static long[] clusterMap(Path file, FileChannel channel, ByteBuffer h, int clusterBits, long size)
            throws IOException, JcapException {
        long cluster = 1L << clusterBits;
        long clusters = (size + cluster - 1) >> clusterBits;
        if (clusters > Integer.MAX_VALUE - 8) {
            throw new JcapException(file + " has a virtual size of " + size + " bytes, more than jcap maps");
        }
        int l2Entries = (int) (cluster / 8);
        long l1Size = h.getInt(36) & 0xffff_ffffL;
        if (l1Size * 8 > MAX_L1_BYTES || l1Size * l2Entries < clusters) {
            throw new JcapException(file + " has a damaged qcow2 header: an L1 table of " + l1Size + " entries for "
                    + clusters + " clusters");
        }
        ByteBuffer l1 = readAt(channel, h.getLong(40), (int) l1Size * 8);
        long[] entries = new long[(int) clusters];
        for (int i = 0; i < l1Size && (long) i * l2Entries < clusters; i++) {
            long l2Offset = l1.remaining() >= (i + 1) * 8 ? l1.getLong(i * 8) & OFFSET_MASK : 0;
            if (l2Offset == 0) {
                continue;
            }
            ByteBuffer l2 = readAt(channel, l2Offset, (int) cluster);
            for (int j = 0; j < l2Entries && (long) i * l2Entries + j < clusters; j++) {
                entries[i * l2Entries + j] = l2.getLong(j * 8);
            }
        }
        return entries;
    }

    /** The size of the disk the guest sees. */
    public long virtualSize() {
        return virtualSize;
    }

    /** The image's cluster size: the unit of {@link #dataExtents()}. */
    public int clusterSize() {
        return 1 << clusterBits;
    }

    /**
     * The ranges of the guest disk that the image stores data for, in order and merged: clusters
     * written whole or compressed; not those never written nor those flagged as zeros (both read
     * as zeros). A stored cluster may still hold only zeros, which a reader checks if it cares.
     */
    public List<Extent> dataExtents() {
        List<Extent> extents = new ArrayList<>();
        long cluster = clusterSize();
        long start = -1;
        for (int i = 0; i <= entries.length; i++) {
            boolean data = i < entries.length && holdsData(entries[i]);
            if (data && start < 0) {
                start = i * cluster;
            } else if (!data && start >= 0) {
                extents.add(new Extent(start, Math.min((long) i * cluster, virtualSize) - start));
                start = -1;
            }
        }
        return List.copyOf(extents);
    }

    private static boolean holdsData(long entry) {
        return (entry & COMPRESSED) != 0 || ((entry & ZERO) == 0 && (entry & OFFSET_MASK) != 0);
    }

    /** Reads {@code length} guest bytes from {@code offset} into {@code into}; past the end is an error. */
    public void read(long offset, byte[] into, int at, int length) throws JcapException {
        if (offset < 0 || length < 0 || offset + length > virtualSize) {
            throw new IllegalArgumentException("guest range " + offset + "+" + length + " is outside the disk of "
                    + virtualSize + " bytes");
        }
        int cluster = clusterSize();
        try {
            while (length > 0) {
                int index = (int) (offset >>> clusterBits);
                int within = (int) (offset & (cluster - 1));
                int n = Math.min(length, cluster - within);
                long entry = entries[index];
                if ((entry & COMPRESSED) != 0) {
                    System.arraycopy(decompressed(entry, index), within, into, at, n);
                } else if ((entry & ZERO) != 0 || (entry & OFFSET_MASK) == 0) {
                    Arrays.fill(into, at, at + n, (byte) 0);
                } else {
                    ByteBuffer target = ByteBuffer.wrap(into, at, n);
                    long position = (entry & OFFSET_MASK) + within;
                    while (target.hasRemaining()) {
                        if (channel.read(target, position + target.position() - at) < 0) {
                            throw new JcapException(file + " ends inside guest cluster " + index + " (damaged image)");
                        }
                    }
                }
                offset += n;
                at += n;
                length -= n;
            }
        } catch (IOException e) {
            throw new JcapException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads {@code chunk} into the start of {@code buffer}, with zeros for its part past the disk's
     * end (a block or page that runs over the last sector).
     *
     * @return whether it holds any byte other than zero: a chunk of zeros need not be sent
     */
    public boolean readPadded(Extent chunk, byte[] buffer) throws JcapException {
        int length = Math.toIntExact(chunk.length());
        int readable = (int) Math.max(0, Math.min(chunk.end(), virtualSize) - chunk.offset());
        read(chunk.offset(), buffer, 0, readable);
        Arrays.fill(buffer, readable, length, (byte) 0);
        for (int i = 0; i < readable; i++) {
            if (buffer[i] != 0) {
                return true;
            }
        }
        return false;
    }

    private byte[] decompressed(long entry, int index) throws IOException, JcapException {
        int shift = 62 - (clusterBits - 8);
        long hostOffset = entry & ((1L << shift) - 1);
        long sectors = ((entry >>> shift) & ((1L << (clusterBits - 8)) - 1)) + 1;
        int stored = (int) Math.min(sectors * 512 - (hostOffset & 511), channel.size() - hostOffset);
        ByteBuffer compressed = readAt(channel, hostOffset, stored);
        byte[] out = new byte[clusterSize()];
        try {
            CompressedCluster.decompress(zstd, compressed.array(), compressed.limit(), out);
            return out;
        } catch (RuntimeException e) {
            throw new JcapException(file + ": compressed guest cluster " + index + " cannot be decompressed (damaged image): "
                    + e.getMessage(), e);
        }
    }

    private static ByteBuffer readAt(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining() && channel.read(buffer, position + buffer.position()) >= 0) {
            // a short read is continued until the length is read or the file ends
        }
        return buffer.flip();
    }

    private static void close(FileChannel channel) {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // the open failed with its own reason
        }
    }

    @Override
    public void close() throws JcapException {
        try {
            channel.close();
        } catch (IOException e) {
            throw new JcapException("cannot close " + file + ": " + e.getMessage(), e);
        }
    }
}
