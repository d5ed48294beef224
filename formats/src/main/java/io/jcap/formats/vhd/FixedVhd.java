package io.jcap.formats.vhd;

import io.jcap.formats.qcow2.Extent;
import io.jcap.formats.qcow2.Qcow2Image;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A disk as a fixed VHD: its bytes rounded up to a whole MiB (Azure takes no other size), then the
 * 512-byte {@link VhdFooter}. {@link #chunks} cuts the disk's data into the aligned ranges an
 * upload reads ({@link Qcow2Image#readPadded}) and sends, skipping those that read as zeros;
 * {@link #write} writes the VHD as a sparse local file.
 *
 * <pre>{@code
 * FixedVhd vhd = FixedVhd.of(disk.virtualSize(), uniqueId, timestamp);
 * vhd.fileSize();                       // what the page blob's length is
 * vhd.chunks(disk, 4 << 20);            // the ranges to read and send, each at most 4 MiB
 * }</pre>
 *
 * @param diskSize the disk's size as the VHD holds it: the image's, rounded up to a whole MiB
 * @param footer the footer that follows the disk
 */
public record FixedVhd(long diskSize, VhdFooter footer) {
    /** Azure's unit of a VHD's size. */
    public static final long MIB = 1 << 20;

    public FixedVhd {
        if (diskSize <= 0 || diskSize % MIB != 0 || footer.currentSize() != diskSize) {
            throw new IllegalArgumentException("a fixed VHD for Azure holds a whole number of MiB, as its footer says: "
                    + diskSize + " bytes, footer " + footer);
        }
    }

    /** The fixed VHD of a disk of {@code virtualSize} bytes. */
    public static FixedVhd of(long virtualSize, byte[] uniqueId, long timestamp) {
        if (virtualSize <= 0) {
            throw new IllegalArgumentException("a disk holds at least one byte, not " + virtualSize);
        }
        long rounded = (virtualSize + MIB - 1) / MIB * MIB;
        return new FixedVhd(rounded, VhdFooter.fixed(rounded, uniqueId, timestamp));
    }

    /** The VHD's length: the disk and the footer. */
    public long fileSize() {
        return diskSize + VhdFooter.SIZE;
    }

    /**
     * The pieces of {@code disk}'s data extents an upload reads and sends, in order: the extents
     * cut at multiples of {@code unit} (a power of two, at least 512), each widened to 512-byte
     * boundaries (the disk's last partial sector is padded with zeros on reading). The disk is not
     * read here: a piece that reads as zeros is the sender's to skip.
     */
    public List<Extent> chunks(Qcow2Image disk, int unit) {
        if (unit < VhdFooter.SIZE || Integer.bitCount(unit) != 1) {
            throw new IllegalArgumentException("a page unit is a power of two of at least 512 bytes, not " + unit);
        }
        List<Extent> chunks = new ArrayList<>();
        long previousEnd = 0;
        for (Extent extent : disk.dataExtents()) {
            long at = Math.max(previousEnd, extent.offset() / VhdFooter.SIZE * VhdFooter.SIZE);
            long last = (extent.end() + VhdFooter.SIZE - 1) / VhdFooter.SIZE * VhdFooter.SIZE;
            while (at < last) {
                long end = Math.min((at / unit + 1) * unit, last);
                chunks.add(new Extent(at, end - at));
                at = end;
            }
            previousEnd = last;
        }
        return List.copyOf(chunks);
    }

    /** Writes the VHD of {@code disk} to {@code out} (a new file, sparse where the disk has no data). */
    public void write(Qcow2Image disk, Path out) throws JcapException {
        try (FileChannel channel = FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            byte[] buffer = new byte[(int) MIB];
            for (Extent chunk : chunks(disk, buffer.length)) {
                if (disk.readPadded(chunk, buffer)) {
                    writeAt(channel, ByteBuffer.wrap(buffer, 0, (int) chunk.length()), chunk.offset());
                }
            }
            writeAt(channel, ByteBuffer.wrap(footer.bytes()), diskSize);
        } catch (IOException e) {
            throw new JcapException("cannot write " + out + ": " + e.getMessage(), e);
        }
    }

    private static void writeAt(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer, position + buffer.position());
        }
    }
}
