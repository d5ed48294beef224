package io.jcap.formats.cpio;

import io.jcap.model.FileContent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.LongBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.Optional;

/**
 * Where a regular file's data lies, for sending it with holes to jcap's guest init
 * (docs/guest-protocol.md, "Files with holes"): runs of zero bytes of at least {@link #MIN_HOLE}
 * on {@link #BLOCK} boundaries are holes, the rest data segments. Such a file's entry carries
 * {@code c_check} {@link #MARK} and, as its data, the file's length and then each segment as an
 * offset, a length (8 bytes each, big-endian) and its bytes; the guest seeks over the holes, so a
 * sparse database file or a zero-filled disk image costs the stream and the guest's file system
 * only its data.
 *
 * <p>Any zero run of that size becomes a hole, whether the host file has one there or is written
 * out (Java cannot ask for {@code SEEK_HOLE}): the file reads the same. The image's root is
 * mounted read-only, and its disk is sized for the files' full lengths, so the blocks a
 * read-write root ({@code jcap.rw=1}) may fill later are there.
 */
final class HoleMap {
    /** {@code c_check} of an entry whose data is a hole map and its segments. */
    static final long MARK = 1;
    /** The guest file system's block: holes start and end on it (or at the file's end). */
    static final int BLOCK = 4096;
    /** The shortest run of zeros sent as a hole: 64 KiB, so a segment's 16 bytes never matter. */
    static final long MIN_HOLE = 64 * 1024;
    /** A multiple of {@link #BLOCK}. */
    private static final int WINDOW = 1 << 30;

    private final long length;
    /** Offset and length of each data segment, in order. */
    private final long[] segments;
    private final int count;

    private HoleMap(long length, long[] segments, int count) {
        this.length = length;
        this.segments = segments;
        this.count = count;
    }

    /**
     * Reads {@code content} and returns its map, or empty when it holds no hole (the file goes as it
     * is). A host file is mapped, not read: most blocks of a file with data are told from a hole by
     * their first 8 bytes, so a scan of one costs about 10 ms per 100 MB even under the launcher's
     * client compiler, where reading it into the heap took 55 ms (docs/benchmarks-stream.md).
     *
     * @throws java.io.EOFException when a host file no longer has {@code content.size()} bytes
     */
    static Optional<HoleMap> scan(FileContent content) throws IOException {
        long length = content.size();
        if (length < MIN_HOLE) {
            return Optional.empty();
        }
        Scan scan = new Scan();
        if (content instanceof FileContent.HostFile file) {
            try (FileChannel channel = FileChannel.open(file.path())) {
                for (long base = 0; base < length; base += WINDOW) {
                    if (channel.size() != length) {
                        throw new java.io.EOFException("now " + channel.size() + " bytes");
                    }
                    int size = (int) Math.min(WINDOW, length - base);
                    java.nio.MappedByteBuffer window;
                    try {
                        window = channel.map(FileChannel.MapMode.READ_ONLY, base, size);
                    } catch (IOException | UnsupportedOperationException e) {
                        return Optional.empty(); // a file system without mappings: the file goes as it is
                    }
                    try {
                        scan.blocks(window, base);
                    } catch (InternalError e) {
                        // A mapped page beyond a file cut short meanwhile (SIGBUS).
                        throw new java.io.EOFException("cut short while it was read");
                    }
                }
            }
        } else {
            try (InputStream in = content.open()) {
                scan.blocks(ByteBuffer.wrap(in.readAllBytes()), 0);
            }
        }
        return scan.map(length);
    }

    /** Finds the holes block by block, window after window. */
    private static final class Scan {
        private final Segments segments = new Segments();
        private long dataStart;
        private long zeroStart = -1;
        private final long[] block = new long[BLOCK / 8];

        void blocks(ByteBuffer window, long base) {
            int n = window.limit();
            LongBuffer longs = window.asLongBuffer();
            for (int at = 0; at < n; at += BLOCK) {
                long block = base + at;
                if (zero(window, longs, at, Math.min(n, at + BLOCK))) {
                    if (zeroStart < 0) {
                        zeroStart = block;
                    }
                } else {
                    if (zeroStart >= 0 && block - zeroStart >= MIN_HOLE) {
                        segments.add(dataStart, zeroStart);
                        dataStart = block;
                    }
                    zeroStart = -1;
                }
            }
        }

        /**
         * Whether the block is all zeros: its first 8 bytes tell most data blocks; the others are
         * copied out in one go (a memory copy) and compared in the heap, where the launcher's client
         * compiler runs 3x faster than through the buffer's reads.
         */
        private boolean zero(ByteBuffer window, LongBuffer longs, int from, int to) {
            if (to - from == BLOCK) {
                if (window.getLong(from) != 0) {
                    return false;
                }
                longs.get(from / 8, block, 0, block.length);
                for (long v : block) {
                    if (v != 0) {
                        return false;
                    }
                }
                return true;
            }
            for (int i = from; i < to; i++) {
                if (window.get(i) != 0) {
                    return false;
                }
            }
            return true;
        }

        Optional<HoleMap> map(long length) {
            // Every hole moved dataStart past itself, except one at the end.
            boolean trailingHole = zeroStart >= 0 && length - zeroStart >= MIN_HOLE;
            if (dataStart == 0 && !trailingHole) {
                return Optional.empty();
            }
            segments.add(dataStart, trailingHole ? zeroStart : length);
            return Optional.of(new HoleMap(length, Arrays.copyOf(segments.values, 2 * segments.count), segments.count));
        }
    }

    /** Offset and length pairs, empty segments (a hole at the file's start) left out. */
    private static final class Segments {
        long[] values = new long[8];
        int count;

        void add(long start, long end) {
            if (end == start) {
                return;
            }
            if (values.length < 2 * (count + 1)) {
                values = Arrays.copyOf(values, values.length * 2);
            }
            values[2 * count] = start;
            values[2 * count + 1] = end - start;
            count++;
        }
    }

    /** The entry's data size: the length, each segment's offset and length, their bytes. */
    long encodedSize() {
        long size = 8;
        for (int i = 0; i < count; i++) {
            size += 16 + segments[2 * i + 1];
        }
        return size;
    }

    /** The file's bytes the map sends (its segments'). */
    long dataBytes() {
        return encodedSize() - 8 - 16L * count;
    }

    /** Receives the file's bytes as they are sent, zeros of the holes included, for progress and digests. */
    interface Sink {
        void data(byte[] buffer, int length) throws IOException;

        void zeros(long length) throws IOException;
    }

    /**
     * Writes the entry's data to {@code out}, reading the file again from {@code in} (its start).
     *
     * @throws java.io.EOFException when {@code in} ends before the last segment's end
     */
    void write(InputStream in, OutputStream out, byte[] buffer, Sink sink) throws IOException {
        byte[] numbers = new byte[16];
        put(numbers, 0, length);
        out.write(numbers, 0, 8);
        long pos = 0;
        for (int i = 0; i < count; i++) {
            long offset = segments[2 * i];
            long size = segments[2 * i + 1];
            in.skipNBytes(offset - pos);
            sink.zeros(offset - pos);
            put(numbers, 0, offset);
            put(numbers, 8, size);
            out.write(numbers);
            for (long left = size; left > 0; ) {
                int n = in.readNBytes(buffer, 0, (int) Math.min(buffer.length, left));
                if (n == 0) {
                    throw new java.io.EOFException("ended before " + (offset + size) + " bytes");
                }
                out.write(buffer, 0, n);
                sink.data(buffer, n);
                left -= n;
            }
            pos = offset + size;
        }
        sink.zeros(length - pos);
    }

    private static void put(byte[] out, int at, long value) {
        for (int i = 7; i >= 0; i--) {
            out[at + i] = (byte) value;
            value >>>= 8;
        }
    }
}
