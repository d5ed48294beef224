package io.jcap.formats.cpio;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * XXH64 with seed 0, as its specification (xxhash_spec.md) defines it and {@code xxhsum -H1} prints
 * it: the checksum of a stream sent to jcap's builder guest, which the guest computes over the bytes
 * it received and reports back. It replaced a CRC-32 there because a table-driven CRC costs the
 * guest about five times as much CPU under TCG (docs/benchmarks-stream.md); here it costs about
 * 20 ms per 100 MB under the client compiler.
 *
 * <pre>{@code
 * Xxh64 sum = new Xxh64();
 * sum.update(bytes, 0, bytes.length);
 * long value = sum.value();
 * }</pre>
 */
public final class Xxh64 {
    private static final long P1 = 0x9E3779B185EBCA87L;
    private static final long P2 = 0xC2B2AE3D27D4EB4FL;
    private static final long P3 = 0x165667B19E3779F9L;
    private static final long P4 = 0x85EBCA77C2B2AE63L;
    private static final long P5 = 0x27D4EB2F165667C5L;
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private long v0 = P1 + P2;
    private long v1 = P2;
    private long v2 = 0;
    private long v3 = -P1;
    private long total;
    private final byte[] held = new byte[32];
    private int heldCount;

    /** Adds one byte. */
    public void update(int b) {
        held[heldCount++] = (byte) b;
        total++;
        if (heldCount == 32) {
            stripe(held, 0);
            heldCount = 0;
        }
    }

    /** Adds {@code len} bytes of {@code b} from {@code off}. */
    public void update(byte[] b, int off, int len) {
        total += len;
        if (heldCount > 0) {
            int take = Math.min(32 - heldCount, len);
            System.arraycopy(b, off, held, heldCount, take);
            heldCount += take;
            off += take;
            len -= take;
            if (heldCount < 32) {
                return;
            }
            stripe(held, 0);
            heldCount = 0;
        }
        long a = v0;
        long c = v1;
        long d = v2;
        long e = v3;
        for (; len >= 32; off += 32, len -= 32) {
            a = round(a, (long) LONG.get(b, off));
            c = round(c, (long) LONG.get(b, off + 8));
            d = round(d, (long) LONG.get(b, off + 16));
            e = round(e, (long) LONG.get(b, off + 24));
        }
        v0 = a;
        v1 = c;
        v2 = d;
        v3 = e;
        System.arraycopy(b, off, held, 0, len);
        heldCount = len;
    }

    /** The checksum of the bytes added so far; more may be added after. */
    public long value() {
        long acc;
        if (total >= 32) {
            acc = Long.rotateLeft(v0, 1) + Long.rotateLeft(v1, 7) + Long.rotateLeft(v2, 12) + Long.rotateLeft(v3, 18);
            acc = merge(merge(merge(merge(acc, v0), v1), v2), v3);
        } else {
            acc = P5;
        }
        acc += total;
        int p = 0;
        int n = heldCount;
        for (; n >= 8; p += 8, n -= 8) {
            acc = Long.rotateLeft(acc ^ round(0, (long) LONG.get(held, p)), 27) * P1 + P4;
        }
        if (n >= 4) {
            acc = Long.rotateLeft(acc ^ (Integer.toUnsignedLong((int) INT.get(held, p)) * P1), 23) * P2 + P3;
            p += 4;
            n -= 4;
        }
        for (; n > 0; p++, n--) {
            acc = Long.rotateLeft(acc ^ ((held[p] & 0xFFL) * P5), 11) * P1;
        }
        acc ^= acc >>> 33;
        acc *= P2;
        acc ^= acc >>> 29;
        acc *= P3;
        acc ^= acc >>> 32;
        return acc;
    }

    private void stripe(byte[] b, int off) {
        v0 = round(v0, (long) LONG.get(b, off));
        v1 = round(v1, (long) LONG.get(b, off + 8));
        v2 = round(v2, (long) LONG.get(b, off + 16));
        v3 = round(v3, (long) LONG.get(b, off + 24));
    }

    private static long round(long acc, long lane) {
        return Long.rotateLeft(acc + lane * P2, 31) * P1;
    }

    private static long merge(long acc, long v) {
        return (acc ^ round(0, v)) * P1 + P4;
    }
}
