package io.jcap.formats.cpio;

import io.jcap.model.Sha256;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.zip.CRC32;

/**
 * What a cpio stream held: its entries (the trailer not counted), its bytes, their CRC-32 (what
 * the guest reports back) and their SHA-256 (the stream digest recorded with an image).
 */
public record StreamStats(long entries, long bytes, long crc32, Sha256 sha256) {

    /** Counts and digests the bytes passing through to an underlying stream. */
    static final class Counter extends FilterOutputStream {
        private final CRC32 crc = new CRC32();
        private final MessageDigest sha = Sha256.newDigest();
        private long bytes;

        Counter(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            crc.update(b);
            sha.update((byte) b);
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            crc.update(b, off, len);
            sha.update(b, off, len);
            bytes += len;
        }

        StreamStats stats(long entries) {
            return new StreamStats(entries, bytes, crc.getValue(), Sha256.of(sha));
        }
    }
}
