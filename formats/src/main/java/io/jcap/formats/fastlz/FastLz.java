package io.jcap.formats.fastlz;

import java.io.IOException;

/**
 * Decompresses a FastLZ block, levels 1 and 2 (the level is in the top three bits of the first
 * byte). OSv compresses its kernel with FastLZ in segments of 1 MiB ({@code lzloader}); jcap
 * decompresses it on the host to boot the kernel directly. Every read and every back reference
 * is bounds-checked: a corrupt block is an {@link IOException}, never a wrong result or a crash.
 *
 * <p>The format: a sequence of instructions, each starting with a control byte. Below 32, it is
 * a literal run of {@code ctrl + 1} bytes that follow. Otherwise it is a match: the top three bits
 * give the length ({@code 7} means more length bytes follow: one at level 1, a run of 255s ended
 * by a smaller byte at level 2), the low five bits the high byte of the distance, the next byte
 * its low byte; at level 2 a low byte of 255 with a high part of 31 announces a 16-bit distance
 * beyond 8191. A match copies {@code length + 2} bytes from {@code distance + 1} bytes back,
 * overlapping allowed (a run). The first control byte carries the level in its top bits and is
 * always a literal run.
 *
 * <pre>{@code
 * byte[] kernel = FastLz.decompress(segment, 0, segment.length, 1 << 20);
 * }</pre>
 */
public final class FastLz {
    private static final int MAX_L2_DISTANCE = 8191;

    private FastLz() {
    }

    /**
     * Decompresses {@code length} bytes of {@code in} from {@code offset} into exactly
     * {@code expected} bytes.
     *
     * @throws IOException when the block is not valid FastLZ or does not give {@code expected} bytes
     */
    public static byte[] decompress(byte[] in, int offset, int length, int expected) throws IOException {
        if (length <= 0) {
            throw new IOException("empty FastLZ block");
        }
        if (offset < 0 || offset + length > in.length || expected < 0) {
            throw new IllegalArgumentException("block " + offset + "+" + length + " outside " + in.length + " bytes");
        }
        int level = ((in[offset] & 0xFF) >> 5) + 1;
        if (level != 1 && level != 2) {
            throw new IOException("unknown FastLZ level " + level);
        }
        byte[] out = new byte[expected];
        int ip = offset;
        int end = offset + length;
        int op = 0;
        int ctrl = in[ip++] & 31;
        while (true) {
            if (ctrl < 32) {
                int run = ctrl + 1;
                if (ip + run > end || op + run > expected) {
                    throw corrupt(ip - offset, "a literal run of " + run + " bytes goes past the end");
                }
                System.arraycopy(in, ip, out, op, run);
                ip += run;
                op += run;
            } else {
                int len = (ctrl >> 5) - 1;
                int distance = (ctrl & 31) << 8;
                if (len == 6) {
                    if (level == 1) {
                        len += byteAt(in, ip++, end, offset);
                    } else {
                        int code;
                        do {
                            code = byteAt(in, ip++, end, offset);
                            len += code;
                        } while (code == 255);
                    }
                }
                int low = byteAt(in, ip++, end, offset);
                distance += low;
                if (level == 2 && low == 255 && distance == (31 << 8) + 255) {
                    distance = (byteAt(in, ip++, end, offset) << 8) + byteAt(in, ip++, end, offset) + MAX_L2_DISTANCE;
                }
                int from = op - distance - 1;
                int count = len + 3;
                if (from < 0 || op + count > expected) {
                    throw corrupt(ip - offset, "a match of " + count + " bytes at distance " + (distance + 1)
                            + " reaches outside the output");
                }
                for (int i = 0; i < count; i++) {
                    out[op++] = out[from++];
                }
            }
            if (ip >= end) {
                break;
            }
            ctrl = in[ip++] & 0xFF;
        }
        if (op != expected) {
            throw new IOException("the FastLZ block gives " + op + " bytes, not the " + expected + " expected");
        }
        return out;
    }

    private static int byteAt(byte[] in, int at, int end, int offset) throws IOException {
        if (at >= end) {
            throw corrupt(at - offset, "a match is cut short by the end of the block");
        }
        return in[at] & 0xFF;
    }

    private static IOException corrupt(int at, String what) {
        return new IOException("corrupt FastLZ block at byte " + at + ": " + what);
    }
}
