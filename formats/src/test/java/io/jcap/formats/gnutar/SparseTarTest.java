package io.jcap.formats.gnutar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.formats.qcow2.Qcow2Image;
import io.jcap.formats.qcow2.SampleDisks;
import io.jcap.host.HostTool;
import io.jcap.testsupport.Component;
import io.jcap.testsupport.Requires;
import java.io.BufferedInputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sparse tars of qcow2 images, read back by GNU tar and by Commons Compress. */
@Requires(Component.QEMU)
class SparseTarTest {
    private static final long GIB = 1L << 30;

    @TempDir
    Path dir;

    private Path archive(long realSize) throws Exception {
        Path image = SampleDisks.zstd(SampleDisks.raw(dir), dir);
        Path tar = dir.resolve("image.tar.gz");
        try (Qcow2Image disk = Qcow2Image.open(image); OutputStream out = new GZIPOutputStream(Files.newOutputStream(tar))) {
            assertEquals(100_000 + (3 << 20) + 512 + (2 << 16) - 100_000 + (1 << 16) - 512,
                    SparseTar.write(disk, "disk.raw", realSize, out));
        }
        return tar;
    }

    @Test
    void write_isExtractedByGnuTar_asTheRawDiskPaddedToItsRealSize() throws Exception {
        Path tar = archive(GIB);

        HostTool.Result list = HostTool.run(List.of("tar", "--list", "-v", "-z", "-f", tar.toString()), Duration.ofMinutes(1));
        assertEquals(0, list.exitCode(), list.stderr());
        assertTrue(list.stdout().startsWith("-rw-r--r-- root/root " + GIB + " 1970-01-01 00:00 disk.raw"), list.stdout());

        Path out = Files.createDirectory(dir.resolve("out"));
        HostTool.Result extract = HostTool.run(List.of("tar", "-x", "-z", "-f", tar.toString(), "-C", out.toString()),
                Duration.ofMinutes(1));
        assertEquals(0, extract.exitCode(), extract.stderr());
        Path raw = out.resolve("disk.raw");
        assertEquals(GIB, Files.size(raw));
        HostTool.Result compare = HostTool.run(List.of("qemu-img", "compare", "-f", "raw", "-F", "raw",
                dir.resolve("disk.raw").toString(), raw.toString()), Duration.ofMinutes(1));
        assertEquals(0, compare.exitCode(), compare.stdout() + compare.stderr());
    }

    @Test
    void write_isReadByCommonsCompress_asAnOldGnuSparseMemberWithTheDataExtentsAsItsMap() throws Exception {
        Path tar = archive(GIB);

        try (TarArchiveInputStream in = new TarArchiveInputStream(new GZIPInputStream(new BufferedInputStream(
                Files.newInputStream(tar))))) {
            TarArchiveEntry entry = in.getNextEntry();
            assertEquals("disk.raw", entry.getName());
            assertTrue(entry.isOldGNUSparse());
            assertEquals(GIB, entry.getRealSize());
            // The map: the qcow2's data extents, then the empty entry at the real size.
            assertEquals(List.of("0+131072", (5L << 20) + "+" + (3 << 20), ((20L << 20) - 65536) + "+65536", GIB + "+0"),
                    entry.getOrderedSparseHeaders().stream().map(h -> h.getOffset() + "+" + h.getNumbytes()).toList());
            assertEquals(131072 + (3 << 20) + 65536, entry.getSize());
        }
    }

    @Test
    void number_pastElevenOctalDigits_isBase256() {
        byte[] block = new byte[12];
        SparseTar.number(block, 0, 12, 10 * GIB);
        assertEquals((byte) 0x80, block[0]);
        assertEquals(10 * GIB, java.nio.ByteBuffer.wrap(block, 4, 8).getLong());
        SparseTar.number(block, 0, 12, 0644);
        assertEquals("00000000644\0", new String(block, java.nio.charset.StandardCharsets.US_ASCII));
    }
}
