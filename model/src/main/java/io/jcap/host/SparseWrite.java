package io.jcap.host;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.util.Arrays;
import java.util.Set;

/**
 * Writes bytes to a new host file, leaving each 4 KiB block of zeros unwritten (a hole), as
 * {@code cp --sparse=always} does: a sparse file of a container image's layer (a GNU sparse tar
 * member, which the tar reader hands over as zeros) takes only its data's room in jcap's temp
 * folder, and a copy of a mostly empty disk (a volume) only its data's room on the libvirt host.
 */
public final class SparseWrite {
    private static final int BLOCK = 4096;
    private static final byte[] ZEROS = new byte[BLOCK];

    private SparseWrite() {
    }

    /**
     * Copies {@code in} to its end into the new file {@code file}, created with {@code attributes}
     * (its permissions: the file has them before its first byte); returns the bytes copied.
     */
    public static long copy(InputStream in, Path file, FileAttribute<?>... attributes) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long length = 0;
        try (FileChannel out = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                attributes)) {
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
