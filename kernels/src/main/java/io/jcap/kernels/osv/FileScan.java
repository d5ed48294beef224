package io.jcap.kernels.osv;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Looks for byte strings anywhere in a file, reading it once in chunks. */
final class FileScan {
    private static final int CHUNK = 1 << 20;

    private FileScan() {
    }

    /** The strings of {@code needles} (ASCII) that do not occur in the file. */
    static List<String> missing(FileChannel ch, long size, List<String> needles) throws IOException {
        List<byte[]> patterns = new ArrayList<>();
        int longest = 0;
        for (String n : needles) {
            byte[] p = n.getBytes(StandardCharsets.US_ASCII);
            patterns.add(p);
            longest = Math.max(longest, p.length);
        }
        boolean[] found = new boolean[patterns.size()];
        int overlap = longest - 1;
        byte[] window = new byte[overlap + CHUNK];
        int kept = 0;
        for (long position = 0; position < size && !allTrue(found); ) {
            int n = (int) Math.min(CHUNK, size - position);
            OsvDisk.readFully(ch, ByteBuffer.wrap(window, kept, n), position);
            int filled = kept + n;
            for (int i = 0; i < patterns.size(); i++) {
                found[i] |= indexOf(window, filled, patterns.get(i));
            }
            position += n;
            kept = Math.min(overlap, filled);
            System.arraycopy(window, filled - kept, window, 0, kept);
        }
        List<String> result = new ArrayList<>();
        for (int i = 0; i < needles.size(); i++) {
            if (!found[i]) {
                result.add(needles.get(i));
            }
        }
        return result;
    }

    private static boolean allTrue(boolean[] flags) {
        for (boolean f : flags) {
            if (!f) {
                return false;
            }
        }
        return true;
    }

    private static boolean indexOf(byte[] data, int length, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
