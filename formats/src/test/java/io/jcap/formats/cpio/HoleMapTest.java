package io.jcap.formats.cpio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.model.FileContent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which zero runs become holes, and the entry data a map writes (docs/guest-protocol.md, "Files with holes"). */
class HoleMapTest {
    private static final int K = 1024;
    @TempDir
    Path temp;

    /** A file of {@code length} random bytes with the given [start, end) ranges zeroed. */
    private static byte[] file(int length, int... zeroRanges) {
        byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        for (int i = 0; i < zeroRanges.length; i += 2) {
            Arrays.fill(bytes, zeroRanges[i], zeroRanges[i + 1], (byte) 0);
        }
        return bytes;
    }

    private static Optional<HoleMap> scan(byte[] bytes) throws IOException {
        return HoleMap.scan(FileContent.of(bytes));
    }

    /** The entry data, decoded as the guest does: the length, then (offset, length, bytes) segments. */
    private record Decoded(long length, List<long[]> segments, byte[] file) {
    }

    private static Decoded decode(byte[] data) {
        ByteBuffer in = ByteBuffer.wrap(data);
        long length = in.getLong();
        byte[] file = new byte[(int) length];
        List<long[]> segments = new ArrayList<>();
        while (in.hasRemaining()) {
            long offset = in.getLong();
            long size = in.getLong();
            segments.add(new long[] {offset, size});
            in.get(file, (int) offset, (int) size);
        }
        return new Decoded(length, segments, file);
    }

    private static byte[] write(HoleMap map, byte[] bytes, long[] seen) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        map.write(new ByteArrayInputStream(bytes), out, new byte[1000], new HoleMap.Sink() {
            @Override
            public void data(byte[] buffer, int length) {
                seen[0] += length;
            }

            @Override
            public void zeros(long length) {
                seen[1] += length;
            }
        });
        return out.toByteArray();
    }

    @Test
    void scan_noZeroRunOf64KiB_isNoMap() throws IOException {
        assertEquals(Optional.empty(), scan(file(300 * K)));
        // 60 KiB of zeros on block boundaries, and 64 KiB of zeros that are not.
        assertEquals(Optional.empty(), scan(file(300 * K, 4 * K, 64 * K, 100 * K + 1, 164 * K + 1)));
        assertEquals(Optional.empty(), scan(new byte[63 * K]));
    }

    @Test
    void scan_holesAtTheStartInsideAndAtTheEnd_leaveTheDataSegmentsOnBlockBoundaries() throws IOException {
        byte[] bytes = file(1000 * K + 123, 0, 128 * K, 200 * K + 5, 300 * K, 700 * K, 1000 * K + 123);
        HoleMap map = scan(bytes).orElseThrow();

        long[] seen = new long[2];
        Decoded d = decode(write(map, bytes, seen));

        assertEquals(bytes.length, d.length());
        // The zeros from 200 KiB + 5 start a hole at the next block, 204 KiB.
        assertEquals(List.of("131072+77824", "307200+409600"),
                d.segments().stream().map(s -> s[0] + "+" + s[1]).toList());
        assertArrayEquals(bytes, d.file());
        assertEquals(8 + 2 * 16 + 77824 + 409600, map.encodedSize());
        assertEquals(77824 + 409600, map.dataBytes());
        assertEquals(map.dataBytes(), seen[0]);
        assertEquals(bytes.length - map.dataBytes(), seen[1]);
    }

    @Test
    void scan_allZeros_isALengthWithoutSegments() throws IOException {
        byte[] bytes = new byte[5 * 1024 * K + 7];
        HoleMap map = scan(bytes).orElseThrow();

        Decoded d = decode(write(map, bytes, new long[2]));

        assertEquals(8, map.encodedSize());
        assertEquals(bytes.length, d.length());
        assertTrue(d.segments().isEmpty());
    }

    @Test
    void writeThenDecode_randomFiles_giveTheirBytesBackAndNeverALongerEntry() throws IOException {
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            int length = random.nextInt(3 * 1024 * K);
            int[] ranges = new int[2 * random.nextInt(6)];
            for (int i = 0; i < ranges.length; i += 2) {
                ranges[i] = random.nextInt(length + 1);
                ranges[i + 1] = Math.min(length, ranges[i] + random.nextInt(400 * K));
            }
            byte[] bytes = file(length, ranges);
            Optional<HoleMap> map = scan(bytes);
            if (map.isPresent()) {
                byte[] data = write(map.get(), bytes, new long[2]);
                assertEquals(map.get().encodedSize(), data.length);
                assertTrue(data.length < bytes.length, "round " + round);
                Decoded d = decode(data);
                assertArrayEquals(bytes, d.file(), "round " + round);
                long end = 0;
                for (long[] s : d.segments()) {
                    assertTrue(s[0] == 0 || s[0] - end >= HoleMap.MIN_HOLE, "round " + round + ": a hole under 64 KiB");
                    assertEquals(0, s[0] % HoleMap.BLOCK, "round " + round);
                    end = s[0] + s[1];
                }
            }
        }
    }

    @Test
    void scan_aHostFile_isMappedAndGivesTheSameMapAsItsBytes() throws IOException {
        byte[] bytes = file(3 * 1024 * K + 5, 100 * K, 900 * K, 2 * 1024 * K, 3 * 1024 * K + 5);
        Path host = Files.write(temp.resolve("host"), bytes);

        HoleMap mapped = HoleMap.scan(FileContent.of(host)).orElseThrow();

        assertArrayEquals(write(scan(bytes).orElseThrow(), bytes, new long[2]), write(mapped, bytes, new long[2]));
    }

    @Test
    void scanAndWrite_aFileCutShort_isAnEndOfFile() throws IOException {
        byte[] bytes = file(300 * K, 0, 100 * K);
        Path host = Files.write(temp.resolve("host"), bytes);
        FileContent listed = FileContent.of(host);
        Files.write(host, Arrays.copyOf(bytes, 200 * K));
        assertThrows(EOFException.class, () -> HoleMap.scan(listed));

        HoleMap map = scan(bytes).orElseThrow();
        assertThrows(EOFException.class, () -> write(map, Arrays.copyOf(bytes, 250 * K), new long[2]));
    }
}
