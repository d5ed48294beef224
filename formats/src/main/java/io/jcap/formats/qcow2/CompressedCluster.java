package io.jcap.formats.qcow2;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.util.Native;
import io.airlift.compress.zstd.ZstdDecompressor;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The decompression of one compressed qcow2 cluster: raw deflate (compression type 0, zlib) or a
 * zstd frame (type 1). The bytes a cluster's L2 entry spans run to a sector's end, so they often
 * end with the start of the next cluster's data: deflate stops at its own end, and a zstd frame's
 * length is found from its block headers before it is decompressed. zstd goes through libzstd
 * (zstd-jni) where its native library loads, else through aircompressor's pure Java, which is 4 to
 * 7 times slower under jcap's client compiler, most of it the decoder's warm-up.
 */
final class CompressedCluster {
    private static final int ZSTD_MAGIC = 0xFD2FB528;
    /** Whether zstd-jni's native library loaded (it is extracted from the jar to a temporary file). */
    static final boolean NATIVE_ZSTD = loadNativeZstd();

    private CompressedCluster() {
    }

    /**
     * Decompresses {@code data[0, length)} into all of {@code out}.
     *
     * @throws IllegalStateException with the reason when the data is damaged or too short
     */
    static void decompress(boolean zstd, byte[] data, int length, byte[] out) {
        if (zstd) {
            decompressZstd(data, length, out, NATIVE_ZSTD);
            return;
        }
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(data, 0, length);
            int n = 0;
            while (n < out.length && !inflater.finished() && !inflater.needsInput()) {
                n += inflater.inflate(out, n, out.length - n);
            }
            if (n != out.length) {
                throw new IllegalStateException("the deflate stream holds " + n + " bytes, not a cluster of " + out.length);
            }
        } catch (DataFormatException e) {
            throw new IllegalStateException("bad deflate data: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }

    /** Decompresses the zstd frame at the start of {@code data[0, length)} into all of {@code out}, natively or not. */
    static void decompressZstd(byte[] data, int length, byte[] out, boolean nativeLib) {
        int frame = zstdFrameLength(data, length);
        int n = nativeLib ? Math.toIntExact(Zstd.decompressByteArray(out, 0, out.length, data, 0, frame))
                : new ZstdDecompressor().decompress(data, 0, frame, out, 0, out.length);
        if (n != out.length) {
            throw new IllegalStateException("the zstd frame holds " + n + " bytes, not a cluster of " + out.length);
        }
    }

    /** The length of the zstd frame at the start of {@code data}, from its header and block headers (RFC 8878). */
    static int zstdFrameLength(byte[] data, int length) {
        if (length < 6 || (int) littleEndian(data, 0, 4) != ZSTD_MAGIC) {
            throw new IllegalStateException("no zstd frame magic");
        }
        int descriptor = data[4] & 0xff;
        int contentSizeFlag = descriptor >>> 6;
        boolean singleSegment = (descriptor & 0x20) != 0;
        boolean checksum = (descriptor & 0x04) != 0;
        int dictionaryIdBytes = new int[] {0, 1, 2, 4}[descriptor & 3];
        int contentSizeBytes = new int[] {singleSegment ? 1 : 0, 2, 4, 8}[contentSizeFlag];
        int at = 5 + (singleSegment ? 0 : 1) + dictionaryIdBytes + contentSizeBytes;
        while (true) {
            if (at + 3 > length) {
                throw new IllegalStateException("the zstd frame runs past the cluster's stored bytes");
            }
            int header = (int) littleEndian(data, at, 3);
            int type = (header >>> 1) & 3;
            int size = header >>> 3;
            at += 3 + (type == 1 ? 1 : size);
            if (type == 3) {
                throw new IllegalStateException("a reserved zstd block type");
            }
            if ((header & 1) != 0) {
                break;
            }
        }
        at += checksum ? 4 : 0;
        if (at > length) {
            throw new IllegalStateException("the zstd frame runs past the cluster's stored bytes");
        }
        return at;
    }

    private static long littleEndian(byte[] data, int at, int bytes) {
        long value = 0;
        for (int i = bytes - 1; i >= 0; i--) {
            value = (value << 8) | (data[at + i] & 0xff);
        }
        return value;
    }

    private static boolean loadNativeZstd() {
        try {
            Native.load();
            return true;
        } catch (LinkageError | RuntimeException e) {
            // No libzstd for this platform, or no executable temporary folder: the pure-Java decoder reads the same.
            return false;
        }
    }
}
