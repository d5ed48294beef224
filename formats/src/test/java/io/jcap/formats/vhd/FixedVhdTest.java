package io.jcap.formats.vhd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.formats.qcow2.Extent;
import io.jcap.formats.qcow2.Qcow2Image;
import io.jcap.formats.qcow2.SampleDisks;
import io.jcap.host.HostTool;
import io.jcap.testsupport.Component;
import io.jcap.testsupport.Requires;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Fixed VHDs checked against the spec's rules and read by the real qemu-img. */
class FixedVhdTest {
    private static final byte[] ID = new byte[16];
    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void footer_hasTheSpecsFieldsAndAValidChecksum() {
        byte[] footer = VhdFooter.fixed(64 * MIB, ID, 0x2a).bytes();
        ByteBuffer b = ByteBuffer.wrap(footer);

        assertEquals(512, footer.length);
        assertEquals("conectix", new String(footer, 0, 8, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(2, b.getInt(8));
        assertEquals(0x0001_0000, b.getInt(12));
        assertEquals(-1L, b.getLong(16));
        assertEquals(0x2a, b.getInt(24));
        assertEquals("jcap", new String(footer, 28, 4, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(64 * MIB, b.getLong(40));
        assertEquals(64 * MIB, b.getLong(48));
        assertEquals(2, b.getInt(60));
        int sum = 0;
        for (int i = 0; i < 512; i++) {
            sum += i >= 64 && i < 68 ? 0 : footer[i] & 0xff;
        }
        assertEquals(~sum, b.getInt(64));
    }

    @Test
    void geometry_isTheSpecsForEachBranch() {
        assertArrayEquals(new int[] {963, 8, 17}, VhdFooter.geometry(64 * MIB / 512));     // 17 sectors per track
        assertArrayEquals(new int[] {2080, 16, 63}, VhdFooter.geometry(1024 * MIB / 512)); // 63
        assertArrayEquals(new int[] {65535, 16, 255}, VhdFooter.geometry(200_000 * MIB / 512)); // capped
    }

    @Test
    void of_roundsUpToAWholeMiB() {
        FixedVhd vhd = FixedVhd.of(64 * MIB + 512, ID, 0);
        assertEquals(65 * MIB, vhd.diskSize());
        assertEquals(65 * MIB + 512, vhd.fileSize());
        assertEquals(65 * MIB, vhd.footer().currentSize());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FixedVhd.of(0, ID, 0));
        assertEquals("a disk holds at least one byte, not 0", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(longs = {64, 1024, 10_240})
    @Requires(Component.QEMU)
    void geometry_isQemuImgs(long mib) throws Exception {
        Path theirs = dir.resolve("qemu.vhd");
        HostTool.Result made = HostTool.run(List.of("qemu-img", "create", "-q", "-f", "vpc", "-o",
                "subformat=fixed", theirs.toString(), mib + "M"), Duration.ofMinutes(1));
        assertEquals(0, made.exitCode(), made.stderr());
        byte[] qemu = new byte[512];
        try (var channel = java.nio.channels.FileChannel.open(theirs)) {
            channel.read(ByteBuffer.wrap(qemu), channel.size() - 512);
        }

        // Without force_size qemu-img shrinks the disk to what its geometry holds, and writes that
        // size with the spec's geometry: the same bytes for that size from jcap.
        long size = ByteBuffer.wrap(qemu).getLong(48);
        byte[] ours = VhdFooter.fixed(size, ID, 0).bytes();

        // current size, geometry and disk type: bytes 48 to 63
        assertArrayEquals(Arrays.copyOfRange(qemu, 48, 64), Arrays.copyOfRange(ours, 48, 64));
    }

    @Test
    @Requires(Component.QEMU)
    void write_ofAZstdImage_isReadByQemuImgAsAFixedVpcHoldingTheSameDisk() throws Exception {
        Path raw = SampleDisks.raw(dir);
        Path image = SampleDisks.zstd(raw, dir);
        Path vhd = dir.resolve("disk.vhd");

        try (Qcow2Image disk = Qcow2Image.open(image)) {
            FixedVhd.of(disk.virtualSize(), ID, 0).write(disk, vhd);
        }

        String opts = "driver=vpc,force_size_calc=current_size,file.filename=" + vhd;
        HostTool.Result info = HostTool.run(List.of("qemu-img", "info", "--output=json", "--image-opts", opts),
                Duration.ofMinutes(1));
        assertEquals(0, info.exitCode(), info.stderr());
        assertTrue(info.stdout().contains("\"format\": \"vpc\""), info.stdout());
        assertTrue(info.stdout().contains("\"virtual-size\": " + 20 * MIB + ","), info.stdout());
        assertEquals(20 * MIB + 512, Files.size(vhd));
        HostTool.Result compare = HostTool.run(List.of("qemu-img", "compare", "--image-opts",
                "driver=raw,file.filename=" + raw, opts), Duration.ofMinutes(1));
        assertEquals(0, compare.exitCode(), compare.stdout() + compare.stderr());
        assertTrue(compare.stdout().contains("Images are identical"), compare.stdout());
    }

    @Test
    @Requires(Component.QEMU)
    void chunks_cutTheDataAtTheUnit_andZeroChunksReadAsZeros() throws Exception {
        Path image = SampleDisks.zstd(SampleDisks.raw(dir), dir);
        try (Qcow2Image disk = Qcow2Image.open(image)) {
            FixedVhd vhd = FixedVhd.of(disk.virtualSize(), ID, 0);
            List<Extent> chunks = vhd.chunks(disk, 1 << 20);
            assertEquals(List.of(new Extent(0, 2 << 16), new Extent(5 * MIB, MIB), new Extent(6 * MIB, MIB),
                    new Extent(7 * MIB, MIB), new Extent(20 * MIB - (1 << 16), 1 << 16)), chunks);
            byte[] buffer = new byte[1 << 20];
            assertTrue(disk.readPadded(chunks.get(0), buffer));
        }
    }
}
