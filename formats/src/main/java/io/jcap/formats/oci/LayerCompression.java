package io.jcap.formats.oci;

import io.airlift.compress.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * A layer's tar bytes whatever its compression, told by the blob's first bytes rather than by a
 * media type (docker save's layers have none, and registries mislabel them): gzip, zstd or none.
 */
final class LayerCompression {
    private static final byte[] GZIP = {(byte) 0x1f, (byte) 0x8b};
    private static final byte[] ZSTD = {(byte) 0x28, (byte) 0xb5, (byte) 0x2f, (byte) 0xfd};

    private LayerCompression() {
    }

    static InputStream decompress(InputStream blob) throws IOException {
        // The caller's stream stays unbuffered here so that it can read the rest to its end itself.
        BufferedInputStream in = new BufferedInputStream(new Unclosed(blob), 1 << 16);
        in.mark(8);
        byte[] head = in.readNBytes(4);
        in.reset();
        if (startsWith(head, GZIP)) {
            return new GzipCompressorInputStream(in, true);
        }
        if (startsWith(head, ZSTD)) {
            return new ZstdInputStream(in);
        }
        return in;
    }

    private static boolean startsWith(byte[] head, byte[] magic) {
        if (head.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (head[i] != magic[i]) {
                return false;
            }
        }
        return true;
    }

    /** Keeps a decompressor's close from closing the blob. */
    private static final class Unclosed extends java.io.FilterInputStream {
        Unclosed(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
        }
    }
}
