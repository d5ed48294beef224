package io.jcap.host;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;

/**
 * The end of a file that grows at its end, such as a console log or QEMU's log, where the lines
 * that say how something ended come last.
 *
 * <pre>{@code
 * byte[] tail = FileTail.lastBytes(Path.of("console.log"), 64 * 1024);   // at most 64 KiB
 * }</pre>
 */
public final class FileTail {
    private FileTail() {
    }

    /** The last {@code bytes} of {@code file} (all of it when shorter); none when it cannot be read. */
    public static byte[] lastBytes(Path file, int bytes) {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long start = Math.max(0, in.length() - bytes);
            byte[] tail = new byte[(int) (in.length() - start)];
            in.seek(start);
            in.readFully(tail);
            return tail;
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
