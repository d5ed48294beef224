package io.jcap.formats.gnutar;

import io.jcap.formats.qcow2.Extent;
import io.jcap.formats.qcow2.Qcow2Image;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a tar archive holding one sparse member in GNU's old sparse format: a header of type
 * {@code S} with the sparse map (four entries in the header, 21 in each extension block), the
 * member's real size, then only the data of its map's entries. The disk's data extents are its
 * map; the holes between them cost nothing. Numbers past what eleven octal digits hold (8 GiB)
 * are written in GNU's base-256 form. Fixed owner, mode and time, so that an image gives the same
 * bytes every time.
 *
 * <pre>{@code
 * try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
 *     SparseTar.write(disk, "disk.raw", 1L << 30, out);   // disk.raw of 1 GiB
 * }
 * }</pre>
 */
public final class SparseTar {
    private static final int BLOCK = 512;
    private static final int HEADER_ENTRIES = 4;
    private static final int EXTENSION_ENTRIES = 21;
    private static final int CHUNK = 1 << 20;

    private SparseTar() {
    }

    /**
     * Writes the archive of {@code disk} as member {@code name} of {@code realSize} bytes (at least
     * the disk's virtual size; the rest reads as zeros) to {@code out}, which it does not close.
     *
     * @return the bytes of data stored (the map's entries), for the caller's count
     */
    public static long write(Qcow2Image disk, String name, long realSize, OutputStream out) throws JcapException {
        if (realSize < disk.virtualSize()) {
            throw new IllegalArgumentException("member " + name + " of " + realSize + " bytes cannot hold a disk of "
                    + disk.virtualSize());
        }
        List<Extent> data = disk.dataExtents();
        long stored = data.stream().mapToLong(Extent::length).sum();
        // The map, and as GNU tar writes it for a file that ends in a hole, an empty last entry at the
        // real size, so that an extracting tar makes the file that long.
        List<long[]> map = new ArrayList<>();
        data.forEach(e -> map.add(new long[] {e.offset(), e.length()}));
        if (data.isEmpty() || data.get(data.size() - 1).end() < realSize) {
            map.add(new long[] {realSize, 0});
        }
        try {
            out.write(header(name, map, stored, realSize));
            for (int at = HEADER_ENTRIES; at < map.size(); at += EXTENSION_ENTRIES) {
                out.write(extension(map, at));
            }
            byte[] buffer = new byte[CHUNK];
            for (Extent extent : data) {
                for (long at = extent.offset(); at < extent.end(); ) {
                    int n = (int) Math.min(CHUNK, extent.end() - at);
                    disk.read(at, buffer, 0, n);
                    out.write(buffer, 0, n);
                    at += n;
                }
            }
            out.write(new byte[(int) ((BLOCK - stored % BLOCK) % BLOCK)]);
            out.write(new byte[2 * BLOCK]);
            return stored;
        } catch (IOException e) {
            throw new JcapException("cannot write the tar of " + name + ": " + e.getMessage(), e);
        }
    }

    private static byte[] header(String name, List<long[]> map, long stored, long realSize) {
        byte[] h = new byte[BLOCK];
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 99) {
            throw new IllegalArgumentException("a member name of at most 99 bytes, not " + name);
        }
        System.arraycopy(bytes, 0, h, 0, bytes.length);
        number(h, 100, 8, 0644);
        number(h, 108, 8, 0);
        number(h, 116, 8, 0);
        number(h, 124, 12, stored);
        number(h, 136, 12, 0);
        h[156] = 'S';
        System.arraycopy("ustar  \0".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 8);
        System.arraycopy("root".getBytes(StandardCharsets.US_ASCII), 0, h, 265, 4);
        System.arraycopy("root".getBytes(StandardCharsets.US_ASCII), 0, h, 297, 4);
        for (int i = 0; i < HEADER_ENTRIES; i++) {
            entry(h, 386 + i * 24, map, i);
        }
        h[482] = (byte) (map.size() > HEADER_ENTRIES ? 1 : 0);
        number(h, 483, 12, realSize);
        // The checksum is summed with its own field as spaces, then written as six octal digits, NUL, space.
        java.util.Arrays.fill(h, 148, 156, (byte) ' ');
        int sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        byte[] digits = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(digits, 0, h, 148, 8);
        return h;
    }

    private static byte[] extension(List<long[]> map, int first) {
        byte[] block = new byte[BLOCK];
        for (int i = 0; i < EXTENSION_ENTRIES; i++) {
            entry(block, i * 24, map, first + i);
        }
        block[504] = (byte) (first + EXTENSION_ENTRIES < map.size() ? 1 : 0);
        return block;
    }

    /** Entry {@code index} of the map at {@code at}: offset and length; past the map's end, empty. */
    private static void entry(byte[] block, int at, List<long[]> map, int index) {
        if (index < map.size()) {
            number(block, at, 12, map.get(index)[0]);
            number(block, at + 12, 12, map.get(index)[1]);
        }
    }

    /** {@code value} in {@code width} bytes: octal digits and a NUL, or base-256 when they do not fit. */
    static void number(byte[] block, int at, int width, long value) {
        String octal = Long.toOctalString(value);
        if (octal.length() <= width - 1) {
            String padded = "0".repeat(width - 1 - octal.length()) + octal;
            System.arraycopy(padded.getBytes(StandardCharsets.US_ASCII), 0, block, at, width - 1);
            block[at + width - 1] = 0;
            return;
        }
        for (int i = width - 1; i > 0; i--) {
            block[at + i] = (byte) value;
            value >>>= 8;
        }
        block[at] = (byte) 0x80;
    }
}
