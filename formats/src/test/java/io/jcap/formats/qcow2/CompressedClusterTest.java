package io.jcap.formats.qcow2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.Zstd;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CompressedClusterTest {
    /** A 64 KiB cluster of text-like bytes (compressible, not trivially) as one zstd frame, followed by another cluster's bytes. */
    private static byte[] cluster() {
        byte[] cluster = new byte[65536];
        Random random = new Random(15);
        for (int i = 0; i < cluster.length; i++) {
            cluster[i] = (byte) ('a' + random.nextInt(random.nextInt(26) + 1));
        }
        return cluster;
    }

    private static byte[] storedAsQcow2Would(byte[] cluster) {
        byte[] frame = Zstd.compress(cluster, 3);
        byte[] stored = Arrays.copyOf(frame, frame.length + 700);
        // The sectors a cluster's entry spans run on into the next cluster's data: another frame's start.
        System.arraycopy(Zstd.compress(new byte[4096], 3), 0, stored, frame.length, 9);
        return stored;
    }

    @Test
    void nativeZstd_loadsOnThisMachine() {
        assertTrue(CompressedCluster.NATIVE_ZSTD, "zstd-jni's libzstd did not load: pushes fall back to pure Java here");
    }

    @Test
    void decompressZstd_nativeAndPureJava_readTheSameCluster() {
        byte[] cluster = cluster();
        byte[] stored = storedAsQcow2Would(cluster);
        byte[] viaNative = new byte[cluster.length];
        byte[] viaJava = new byte[cluster.length];

        CompressedCluster.decompressZstd(stored, stored.length, viaNative, true);
        CompressedCluster.decompressZstd(stored, stored.length, viaJava, false);

        assertArrayEquals(cluster, viaNative);
        assertArrayEquals(cluster, viaJava);
    }

    @Test
    void decompressZstd_damagedFrame_isRefusedEitherWay() {
        byte[] stored = storedAsQcow2Would(cluster());
        stored[20] ^= 0x55;
        stored[21] ^= 0x55;
        for (boolean nativeLib : new boolean[] {true, false}) {
            assertThrows(RuntimeException.class,
                    () -> CompressedCluster.decompressZstd(stored, stored.length, new byte[65536], nativeLib));
        }
    }

    @Test
    void decompressZstd_frameOfAnotherSize_isRefusedNamingBoth() {
        byte[] small = Zstd.compress(new byte[4096], 3);
        for (boolean nativeLib : new boolean[] {true, false}) {
            RuntimeException e = assertThrows(RuntimeException.class,
                    () -> CompressedCluster.decompressZstd(small, small.length, new byte[65536], nativeLib));
            assertEquals(IllegalStateException.class, e.getClass(), nativeLib + ": " + e);
            assertEquals("the zstd frame holds 4096 bytes, not a cluster of 65536", e.getMessage());
        }
    }
}
