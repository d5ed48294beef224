package io.jcap.formats.qcow2;

import io.jcap.formats.DiskFormat;
import io.jcap.model.FailureReason;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes an empty qcow2 (version 3) overlay on a backing image, without running {@code qemu-img}:
 * every run starts from a fresh overlay, and two process spawns cost a run's start-up about a
 * tenth of a second. The overlay reads as its backing file until the guest writes; the backing
 * file is only read. The backing file's format (qcow2 or raw) and virtual size come from the file
 * itself, as {@code qemu-img create -b} would find them.
 *
 * <p>The layout is the one QEMU writes for a new image with 64 KiB clusters: the header (with a
 * backing-format extension and the backing file name) in cluster 0, a one-cluster refcount table
 * in cluster 1, its one refcount block (16-bit counts) in cluster 2, the L1 table (all entries
 * empty) from cluster 3 on. Each of these clusters has a refcount of one; nothing else exists.
 *
 * <pre>{@code
 * Qcow2Overlay.create(Path.of("image.qcow2"), Path.of("run/overlay.qcow2"));
 * }</pre>
 */
public final class Qcow2Overlay {
    private static final int CLUSTER_BITS = 16;
    private static final int CLUSTER = 1 << CLUSTER_BITS;
    private static final int MAGIC = 0x514649fb; // "QFI\xfb"
    /** The version 3 fields, the compression type (0, zlib) and padding to a multiple of 8. */
    private static final int HEADER_LENGTH = 112;
    private static final int BACKING_FORMAT_EXTENSION = 0xe2792aca;
    private static final int REFCOUNT_ORDER = 4;
    /** Guest bytes one L1 entry maps: an L2 table of 8-byte entries, each one cluster. */
    private static final long L1_ENTRY_SPAN = (long) (CLUSTER / 8) * CLUSTER;
    /** QEMU opens no image with a larger L1 table. */
    private static final long MAX_L1_BYTES = 32L << 20;
    private static final int MAX_BACKING_NAME = 1023;
    private static final int SECTOR = 512;
    /** The L1/L2 flag of a cluster whose refcount is exactly one. */
    private static final long COPIED = 1L << 63;
    /** The cluster size of every overlay jcap writes: 64 KiB. */
    public static final int CLUSTER_SIZE = CLUSTER;

    private Qcow2Overlay() {
    }

    /** What the overlay needs to know about its backing file. */
    record Backing(DiskFormat format, long virtualSize) {
    }

    /** Writes a new overlay file {@code overlay} on {@code backing} (stored by its absolute path). */
    public static void create(Path backing, Path overlay) throws JcapException {
        create(backing, overlay, null);
    }

    /**
     * Writes a new overlay on {@code backing} that holds its own guest cluster 0, the first 64 KiB
     * the guest sees ({@code firstCluster}, exactly {@value #CLUSTER_SIZE} bytes), and reads
     * everything else from the backing file, which stays untouched. OSv reads its command line from
     * byte 512 of its disk; a run with its own command line passes the stored image's first cluster
     * with that line written into it, instead of copying the whole disk.
     */
    public static void create(Path backing, Path overlay, byte[] firstCluster) throws JcapException {
        if (firstCluster != null && firstCluster.length != CLUSTER) {
            throw new IllegalArgumentException("a first cluster has " + CLUSTER + " bytes, not " + firstCluster.length);
        }
        Path absolute = backing.toAbsolutePath();
        Backing found = inspect(absolute);
        byte[] name = absolute.toString().getBytes(StandardCharsets.UTF_8);
        if (name.length > MAX_BACKING_NAME) {
            throw new JcapException("cannot create overlay " + overlay + ": the backing image path " + absolute + " is "
                    + name.length + " bytes long and qcow2 allows " + MAX_BACKING_NAME + ": use a shorter path");
        }
        ByteBuffer image = layout(name, found, firstCluster);
        FileChannel out;
        try {
            // The guest's writes land here: owner-only, and never through a link in the overlay's place.
            out = FileChannel.open(overlay, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            throw new JcapException("cannot create overlay " + overlay + ": the file already exists; remove it first", e);
        } catch (IOException e) {
            throw new JcapException("cannot create overlay " + overlay + ": " + FailureReason.ofFile(e), e);
        }
        try (out) {
            while (image.hasRemaining()) {
                out.write(image);
            }
        } catch (IOException e) {
            deleteQuietly(overlay);
            throw new JcapException("cannot write overlay " + overlay + ": " + FailureReason.ofFile(e), e);
        }
    }

    /** The format and virtual size of {@code backing}: qcow2 by its magic, anything else raw. */
    static Backing inspect(Path backing) throws JcapException {
        try (FileChannel in = FileChannel.open(backing, StandardOpenOption.READ)) {
            ByteBuffer header = ByteBuffer.allocate(32);
            while (header.hasRemaining() && in.read(header) >= 0) {
                // a short read is retried until the header is complete or the file ends
            }
            header.flip();
            if (header.remaining() >= 4 && header.getInt(0) == MAGIC) {
                if (header.remaining() < 32) {
                    throw new JcapException("backing image " + backing + " starts like qcow2 but its header is cut"
                            + " short: the file is damaged; build or pull the image again");
                }
                // The overlay names the backing file's format, so QEMU opens it as qcow2 and follows
                // whatever other file its header names: only a self-contained one is taken.
                Qcow2Header.requireSelfContained(backing, "backing image");
                return new Backing(DiskFormat.QCOW2, header.getLong(24));
            }
            // QEMU sees disks in 512-byte sectors and rounds a raw file's size up to one.
            return new Backing(DiskFormat.RAW, roundUp(in.size(), SECTOR));
        } catch (NoSuchFileException e) {
            throw new JcapException("cannot create an overlay on " + backing + ": the backing image does not exist", e);
        } catch (IOException e) {
            throw new JcapException("cannot read backing image " + backing + ": " + FailureReason.ofFile(e), e);
        }
    }

    /** The whole overlay file, cluster by cluster, with no guest cluster of its own. */
    static ByteBuffer layout(byte[] backingName, Backing backing) throws JcapException {
        return layout(backingName, backing, null);
    }

    /**
     * The whole overlay file, cluster by cluster; with {@code firstCluster}, an L2 table and that
     * data cluster follow the L1 table, and guest cluster 0 maps to it.
     */
    static ByteBuffer layout(byte[] backingName, Backing backing, byte[] firstCluster) throws JcapException {
        long l1Entries = (backing.virtualSize() + L1_ENTRY_SPAN - 1) / L1_ENTRY_SPAN;
        if (backing.virtualSize() < 0 || l1Entries * 8 > MAX_L1_BYTES) {
            throw new JcapException("cannot create an overlay for a disk of " + backing.virtualSize()
                    + " bytes: qcow2 images with 64 KiB clusters hold at most " + (MAX_L1_BYTES / 8 * L1_ENTRY_SPAN)
                    + " bytes");
        }
        int l1Clusters = (int) ((l1Entries * 8 + CLUSTER - 1) / CLUSTER);
        int clusters = 3 + l1Clusters + (firstCluster == null ? 0 : 2);
        ByteBuffer file = ByteBuffer.allocate(clusters * CLUSTER);

        byte[] format = backing.format().qemuName().getBytes(StandardCharsets.US_ASCII);
        file.putInt(MAGIC).putInt(3);
        int extensions = HEADER_LENGTH;
        int backingNameOffset = extensions + 8 + (int) roundUp(format.length, 8) + 8;
        file.putLong(backingNameOffset).putInt(backingName.length);
        file.putInt(CLUSTER_BITS).putLong(backing.virtualSize());
        file.putInt(0); // no encryption
        file.putInt((int) l1Entries).putLong(3L * CLUSTER);
        file.putLong(CLUSTER).putInt(1); // refcount table: one cluster
        file.putInt(0).putLong(0); // no snapshots
        file.putLong(0).putLong(0).putLong(0); // incompatible, compatible, autoclear features: none
        file.putInt(REFCOUNT_ORDER).putInt(HEADER_LENGTH);
        // compression type zlib and padding stay zero

        file.position(extensions);
        file.putInt(BACKING_FORMAT_EXTENSION).putInt(format.length).put(format);
        file.position(extensions + 8 + (int) roundUp(format.length, 8));
        file.putInt(0).putInt(0); // end of the extensions
        file.put(backingName);

        file.putLong(CLUSTER, 2L * CLUSTER); // refcount table entry 0: the block in cluster 2
        for (int cluster = 0; cluster < clusters; cluster++) {
            file.putShort(2 * CLUSTER + 2 * cluster, (short) 1);
        }
        if (firstCluster != null) {
            // Guest cluster 0 is ours: L1[0] names the L2 table, L2[0] the data cluster; both are
            // used once (refcount 1), hence the "copied" flag QEMU expects.
            long l2 = (3L + l1Clusters) * CLUSTER;
            long data = l2 + CLUSTER;
            file.putLong(3 * CLUSTER, l2 | COPIED);
            file.putLong((int) l2, data | COPIED);
            file.put((int) data, firstCluster);
        }
        // Every other L1 entry stays zero: those guest clusters are read from the backing file.
        file.position(0);
        return file;
    }

    private static long roundUp(long value, long multiple) {
        return (value + multiple - 1) / multiple * multiple;
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // the write error that brought us here is the one to report
        }
    }
}
