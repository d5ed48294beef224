package io.jcap.formats.cpio;

import io.jcap.model.Sha256;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;

/**
 * What a cpio stream held: its entries (the trailer not counted), its bytes, their XXH64 ({@link
 * Xxh64}, what the guest reports back) and their SHA-256 (the stream digest recorded with an image), when it
 * was taken: a stream sent to a builder guest leaves it out ({@link CpioWriter#withoutStreamDigest}); and
 * {@code holeBytes}, the files' zero runs it sent as holes ({@link CpioWriter#withHoles}), not counted in
 * {@code bytes}.
 *
 * <pre>{@code
 * StreamStats stats = new CpioWriter(NameStyle.ABSOLUTE, 0).write(entries, out, EventSink.NONE);
 * Sha256 digest = stats.sha256();
 * }</pre>
 */
public record StreamStats(long entries, long bytes, long xxh64, Sha256 sha256, long holeBytes) {

    /** A stream without holes. */
    public StreamStats(long entries, long bytes, long xxh64, Sha256 sha256) {
        this(entries, bytes, xxh64, sha256, 0);
    }

    /**
     * The stream's SHA-256.
     *
     * @throws IllegalStateException when the writer was told not to take it
     */
    @Override
    public Sha256 sha256() {
        if (sha256 == null) {
            throw new IllegalStateException("this stream's SHA-256 was not taken (CpioWriter.withoutStreamDigest)");
        }
        return sha256;
    }

    /** Counts and digests the bytes passing through to an underlying stream. */
    static final class Counter extends FilterOutputStream {
        private final Xxh64 sum = new Xxh64();
        private final MessageDigest sha;
        private long bytes;
        private long holeBytes;

        /** Counts {@code length} bytes of a file sent as a hole, never written. */
        void hole(long length) {
            holeBytes += length;
        }

        /** The bytes written so far. */
        long bytes() {
            return bytes;
        }

        /** @param digest whether to take the SHA-256 too (the XXH64 is always taken) */
        Counter(OutputStream out, boolean digest) {
            super(out);
            this.sha = digest ? Sha256.newDigest() : null;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            sum.update(b);
            if (sha != null) {
                sha.update((byte) b);
            }
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            sum.update(b, off, len);
            if (sha != null) {
                sha.update(b, off, len);
            }
            bytes += len;
        }

        StreamStats stats(long entries) {
            return new StreamStats(entries, bytes, sum.value(), sha == null ? null : Sha256.of(sha), holeBytes);
        }
    }
}
