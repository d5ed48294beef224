package io.jcap.builder.family.osv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.formats.rofs.RofsReader;
import io.jcap.kernels.osv.OsvDisk;
import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import io.jcap.model.JcapException;
import io.jcap.testsupport.OsvLoaders;
import io.jcap.testsupport.RofsSamples;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OsvRofsImageTest {
    private static final int MIB = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void write_layoutIsLoaderPartitionRofsAndCmdline() throws Exception {
        byte[] loader = OsvLoaders.loader();
        Path raw = dir.resolve("hello.raw");
        OsvRofsImage.Written written = OsvRofsImage.write(Files.write(dir.resolve("loader.img"), loader),
                RofsSamples.tree(), "/app/lib/héllo --port 8080", raw);

        // 2 MiB partition start + 2560 bytes of ROFS rounded up to 1 MiB.
        assertEquals(3 * MIB, written.diskBytes());
        assertEquals(3 * MIB, Files.size(raw));
        byte[] disk = Files.readAllBytes(raw);
        assertArrayEquals(Arrays.copyOfRange(loader, 0, 0x1CE), Arrays.copyOfRange(disk, 0, 0x1CE));
        // LBA 4096..6143: start 0/65/2, end 6143 = track 97 (head 97, cylinder 0), sector 32 + 1.
        assertArrayEquals(HexFormat.ofDelimiter(" ").parseHex("00 41 02 00 83 61 21 00 00 10 00 00 00 08 00 00"),
                Arrays.copyOfRange(disk, 0x1CE, 0x1DE));
        assertEquals(8, OsvDisk.kernelSizeField(disk));
        assertEquals("--rootfs=rofs /app/lib/héllo --port 8080", OsvDisk.readCmdline(raw));
        assertEquals("--rootfs=rofs /app/lib/héllo --port 8080", written.cmdline());
        assertArrayEquals(Arrays.copyOfRange(loader, 512 + 1024, loader.length),
                Arrays.copyOfRange(disk, 512 + 1024, loader.length));
        assertArrayEquals(RofsSamples.expectedSample(), Arrays.copyOfRange(disk, 2 * MIB, 2 * MIB + 5 * 512));
        for (int i = 2 * MIB + 5 * 512; i < disk.length; i++) {
            assertEquals(0, disk[i], "byte " + i);
        }
        try (RofsReader rofs = RofsReader.openDisk(raw)) {
            assertEquals(9, rofs.list().size());
            assertArrayEquals(RofsSamples.HELLO, rofs.readFile(GuestPath.of("/app/lib/héllo")));
        }
    }

    @Test
    void write_shuffledInputs_giveIdenticalImages() throws Exception {
        Path loader = Files.write(dir.resolve("loader.img"), OsvLoaders.loader());
        Path first = dir.resolve("a.raw");
        OsvRofsImage.write(loader, RofsSamples.tree(), "/bin/app", first);
        List<ImageEntry> shuffled = new ArrayList<>(RofsSamples.tree());
        Collections.shuffle(shuffled, new Random(11));
        Path second = dir.resolve("b.raw");
        OsvRofsImage.write(loader, shuffled, "/bin/app", second);
        assertEquals(-1, Files.mismatch(first, second));
    }

    @Test
    void write_replacesAnExistingImage() throws Exception {
        Path loader = Files.write(dir.resolve("loader.img"), OsvLoaders.loader());
        Path raw = Files.write(dir.resolve("hello.raw"), new byte[5 * MIB]);
        OsvRofsImage.write(loader, List.of(), "", raw);
        assertEquals(3 * MIB, Files.size(raw));
        assertEquals("--rootfs=rofs", OsvDisk.readCmdline(raw));
    }

    @Test
    void write_overlongCmdline_failsBeforeWritingAnything() throws Exception {
        Path loader = Files.write(dir.resolve("loader.img"), OsvLoaders.loader());
        Path raw = dir.resolve("hello.raw");
        JcapException e = assertThrows(JcapException.class,
                () -> OsvRofsImage.write(loader, RofsSamples.tree(), "a".repeat(1010), raw));
        assertEquals("the command line is 1024 bytes long; OSv keeps at most 1023 bytes (1024 with the terminating"
                + " NUL): shorten it", e.getMessage());
        assertFalse(Files.exists(raw));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(loader), files.toList());
        }
    }

    @Test
    void write_gzipLoader_isRefused() throws Exception {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(OsvLoaders.loader());
        }
        Path loader = Files.write(dir.resolve("loader.img.gz"), gz.toByteArray());
        JcapException e = assertThrows(JcapException.class,
                () -> OsvRofsImage.write(loader, List.of(), "", dir.resolve("x.raw")));
        assertEquals(loader + " is gzip-compressed: import it with 'jcap kernels import' (which stores it"
                + " decompressed) or gunzip it first", e.getMessage());
    }

    @Test
    void write_loaderThatIsNotOne_isRefused() throws Exception {
        Path loader = Files.write(dir.resolve("loader.img"), new byte[4096]);
        JcapException e = assertThrows(JcapException.class,
                () -> OsvRofsImage.write(loader, List.of(), "", dir.resolve("x.raw")));
        assertEquals(loader + " is neither an OSv loader image nor an OSv ZFS builder kernel (it has neither an ELF"
                + " header nor the boot signature 55 AA at byte 510); bring OSv's loader.img (osv-loader.qemu) or"
                + " zfs_builder.elf (osv-zfs-builder.elf)", e.getMessage());
    }

    @Test
    void cmdline_putsTheRootfsOptionFirst() {
        assertEquals("--rootfs=rofs /hello", OsvRofsImage.cmdline("/hello"));
        assertEquals("--rootfs=rofs", OsvRofsImage.cmdline(" "));
    }

    @Test
    void write_largerImage_roundsThePartitionToWholeMiB() throws Exception {
        Path loader = Files.write(dir.resolve("loader.img"), OsvLoaders.loader());
        byte[] big = new byte[MIB + 1];
        Path host = Files.write(dir.resolve("big"), big);
        List<ImageEntry> entries = List.of(new ImageEntry.RegularFile(GuestPath.of("/big"), 0644,
                io.jcap.model.FileContent.of(host)));
        OsvRofsImage.Written written = OsvRofsImage.write(loader, entries, "/big", dir.resolve("big.raw"));
        // superblock + 2049 data blocks + 1 structure block = 2051 blocks > 1 MiB, so 2 MiB of partition.
        assertEquals(4L * MIB, written.diskBytes());
        assertEquals(4096, written.partition().sectorCount());
        try (InputStream in = Files.newInputStream(dir.resolve("big.raw"))) {
            assertEquals(4L * MIB, in.transferTo(java.io.OutputStream.nullOutputStream()));
        }
    }
}
