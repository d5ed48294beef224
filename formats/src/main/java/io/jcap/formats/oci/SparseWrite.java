package io.jcap.formats.oci;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Writes a layer file's bytes to a new host file, leaving each 4 KiB block of zeros unwritten (a
 * hole), as {@code cp --sparse=always} does: a sparse file of a layer (a GNU sparse tar member, which
 * the tar reader hands over as zeros) or a zero-filled one then takes only its data's room in jcap's
 * temp folder, and is quickly scanned for the holes it goes into the image with.
 */
final class SparseWrite {
    private static final int BLOCK = 4096;
    private static final byte[] ZEROS = new byte[BLOCK];

    private SparseWrite() {
    }

    /** Copies {@code in} to its end into the new file {@code file}; returns the bytes copied. */
    static long copy(InputStream in, Path file) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long length = 0;
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (int n; (n = in.readNBytes(buffer, 0, buffer.length)) > 0; ) {
                for (int at = 0; at < n; at += BLOCK) {
                    int size = Math.min(BLOCK, n - at);
                    if (Arrays.mismatch(buffer, at, at + size, ZEROS, 0, size) >= 0) {
                        ByteBuffer data = ByteBuffer.wrap(buffer, at, size);
                        long position = length + at;
                        while (data.hasRemaining()) {
                            position += out.write(data, position);
                        }
                    }
                }
                length += n;
            }
            // A file ending in zeros: its length is set where no write reached.
            if (out.size() < length) {
                out.write(ByteBuffer.wrap(new byte[1]), length - 1);
            }
        }
        return length;
    }
}
