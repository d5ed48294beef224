package io.jcap.formats.qcow2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.host.HostTool;
import io.jcap.model.JcapException;
import io.jcap.testsupport.Component;
import io.jcap.testsupport.Requires;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** qcow2 images written by the real qemu-img (plain, zlib- and zstd-compressed) read back as their raw disk. */
@Requires(Component.QEMU)
class Qcow2ImageTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"plain", "zlib", "zstd"})
    void read_imageOfEachCompression_isTheRawDisk(String kind) throws Exception {
        Path raw = SampleDisks.raw(dir);
        Path image = switch (kind) {
            case "zlib" -> SampleDisks.convert(raw, dir, "-c", "-o", "compression_type=zlib");
            case "zstd" -> SampleDisks.convert(raw, dir, "-c", "-o", "compression_type=zstd");
            default -> SampleDisks.convert(raw, dir);
        };
        byte[] expected = Files.readAllBytes(raw);

        try (Qcow2Image disk = Qcow2Image.open(image)) {
            assertEquals(SampleDisks.SIZE, disk.virtualSize());
            byte[] whole = new byte[(int) SampleDisks.SIZE];
            disk.read(0, whole, 0, whole.length);
            assertArrayEquals(expected, whole);
            // An odd range across two clusters, read into the middle of a buffer.
            byte[] part = new byte[70_001];
            disk.read(65_000, part, 1, 70_000);
            assertArrayEquals(java.util.Arrays.copyOfRange(expected, 65_000, 135_000),
                    java.util.Arrays.copyOfRange(part, 1, 70_001));
        }
    }

    @Test
    void dataExtents_coverTheDataOnly_clusterAligned() throws Exception {
        Path image = SampleDisks.convert(SampleDisks.raw(dir), dir, "-c", "-o", "compression_type=zstd");

        try (Qcow2Image disk = Qcow2Image.open(image)) {
            // 100 000 bytes take two 64 KiB clusters; 3 MiB at 5 MiB, 48; the last sector, one.
            assertEquals(List.of(new Extent(0, 2 << 16), new Extent(5L << 20, 3 << 20),
                    new Extent(SampleDisks.SIZE - (1 << 16), 1 << 16)), disk.dataExtents());
            assertEquals(65536, disk.clusterSize());
        }
    }

    @Test
    void open_zeroClustersOfAnImage_areNoData() throws Exception {
        Path image = SampleDisks.convert(SampleDisks.raw(dir), dir);
        HostTool.Result zeroed = HostTool.run(List.of("qemu-io", "-c", "write -z 5M 1M", image.toString()),
                Duration.ofMinutes(1));
        assertEquals(0, zeroed.exitCode(), zeroed.stderr());

        try (Qcow2Image disk = Qcow2Image.open(image)) {
            assertEquals(List.of(new Extent(0, 2 << 16), new Extent(6L << 20, 2 << 20),
                    new Extent(SampleDisks.SIZE - (1 << 16), 1 << 16)), disk.dataExtents());
            byte[] zeros = new byte[1 << 20];
            disk.read(5L << 20, zeros, 0, zeros.length);
            assertArrayEquals(new byte[1 << 20], zeros);
        }
    }

    @Test
    void open_notQcow2_orWithABackingFile_isRefused() throws Exception {
        Path raw = SampleDisks.raw(dir);
        JcapException notQcow2 = assertThrows(JcapException.class, () -> Qcow2Image.open(raw));
        assertEquals(raw + " is not a qcow2 image (no QFI\\xfb magic at its start)", notQcow2.getMessage());

        Path base = SampleDisks.convert(raw, dir);
        Path overlay = dir.resolve("overlay.qcow2");
        Qcow2Overlay.create(base, overlay);
        JcapException backed = assertThrows(JcapException.class, () -> Qcow2Image.open(overlay));
        assertTrue(backed.getMessage().startsWith("image " + overlay + " is a qcow2 image with a backing file"),
                backed.getMessage());
    }

    @Test
    void read_outsideTheDisk_isRefused() throws Exception {
        try (Qcow2Image disk = Qcow2Image.open(SampleDisks.convert(SampleDisks.raw(dir), dir))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> disk.read(SampleDisks.SIZE - 10, new byte[20], 0, 20));
            assertEquals("guest range 20971510+20 is outside the disk of 20971520 bytes", e.getMessage());
        }
    }
}
