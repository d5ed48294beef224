package io.jcap.kernels.osv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.formats.mbr.PartitionEntry;
import io.jcap.model.JcapException;
import io.jcap.testsupport.OsvLoaders;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OsvDiskTest {
    private static final long MIB = 1L << 20;

    @TempDir
    Path dir;

    @Test
    void partitionStart_roundsUpTo2MiB() {
        assertEquals(2 * MIB, OsvDisk.partitionStart(512));
        assertEquals(2 * MIB, OsvDisk.partitionStart(300 * 1024));
        assertEquals(2 * MIB, OsvDisk.partitionStart(2 * MIB));
        assertEquals(4 * MIB, OsvDisk.partitionStart(2 * MIB + 1));
        assertEquals(8 * MIB, OsvDisk.partitionStart(6 * MIB + 123));
    }

    @Test
    void create_copiesLoaderWritesEntry2AndGrowsTheDisk() throws Exception {
        byte[] loader = OsvLoaders.loader();
        Path disk = dir.resolve("disk.raw");
        PartitionEntry entry = OsvDisk.create(write("loader.img", loader), disk, 64 * MIB);

        byte[] expectedEntry = HexFormat.ofDelimiter(" ").parseHex("00 41 02 00 83 28 20 02 00 10 00 00 00 f0 01 00");
        assertArrayEquals(expectedEntry, entry.toBytes());
        assertEquals(64 * MIB, Files.size(disk));
        byte[] head = read(disk, 0, loader.length);
        assertArrayEquals(Arrays.copyOfRange(loader, 0, 0x1CE), Arrays.copyOfRange(head, 0, 0x1CE));
        assertArrayEquals(expectedEntry, Arrays.copyOfRange(head, 0x1CE, 0x1DE));
        assertArrayEquals(Arrays.copyOfRange(loader, 0x1DE, loader.length), Arrays.copyOfRange(head, 0x1DE, loader.length));
        assertAllZero(disk, loader.length, 64 * MIB);
        assertEquals(entry, OsvDisk.readPartition(disk));
    }

    @Test
    void create_leavesTheKernelSizeFieldIntact() throws Exception {
        Path disk = dir.resolve("disk.raw");
        OsvDisk.create(OsvLoaders.loader(), disk, 64 * MIB);
        OsvDisk.writeCmdline(disk, "--rootfs=rofs /hello");
        byte[] sector = read(disk, 0, 512);
        assertEquals(8, OsvDisk.kernelSizeField(sector));
        assertEquals(8, sector[0x10]);
        assertEquals(0, sector[0x11]);
    }

    @Test
    void create_fromBytesAndFromFile_giveTheSameDisk() throws Exception {
        byte[] loader = OsvLoaders.loader();
        Path a = dir.resolve("a.raw");
        Path b = dir.resolve("b.raw");
        OsvDisk.create(write("loader.img", loader), a, 8 * MIB);
        OsvDisk.create(loader, b, 8 * MIB);
        assertEquals(-1, Files.mismatch(a, b));
    }

    @Test
    void create_replacesAnExistingDiskCompletely() throws Exception {
        byte[] old = new byte[5 * 1024 * 1024];
        Arrays.fill(old, (byte) 0x55);
        Path disk = write("disk.raw", old);
        Path fresh = dir.resolve("fresh.raw");
        OsvDisk.create(OsvLoaders.loader(), disk, 4 * MIB);
        OsvDisk.create(OsvLoaders.loader(), fresh, 4 * MIB);
        assertEquals(-1, Files.mismatch(disk, fresh));
    }

    @Test
    void create_diskTooSmall_namesThePartitionStart() {
        JcapException e = assertThrows(JcapException.class,
                () -> OsvDisk.create(OsvLoaders.loader(), dir.resolve("d.raw"), 2 * MIB));
        assertEquals("disk size 2097152 bytes leaves no room for the file system, which starts at 2097152"
                + " (the 307200-byte loader rounded up to 2 MiB): ask for a bigger disk", e.getMessage());
    }

    @Test
    void create_sizeNotInSectors_isRefused() {
        JcapException e = assertThrows(JcapException.class,
                () -> OsvDisk.create(OsvLoaders.loader(), dir.resolve("d.raw"), 4 * MIB + 100));
        assertEquals("disk size 4194404 bytes is not a multiple of 512: round it to whole sectors", e.getMessage());
    }

    @Test
    void create_loaderWithoutBootSignature_isRefused() {
        byte[] loader = OsvLoaders.loader();
        loader[511] = 0;
        JcapException e = assertThrows(JcapException.class, () -> OsvDisk.create(loader, dir.resolve("d.raw"), 4 * MIB));
        assertEquals("the loader image is not an OSv loader image: no boot signature 55 AA at byte 510", e.getMessage());
    }

    @Test
    void create_ontoItsOwnLoader_isRefused() throws Exception {
        Path loader = write("loader.img", OsvLoaders.loader());
        JcapException e = assertThrows(JcapException.class, () -> OsvDisk.create(loader, loader, 4 * MIB));
        assertEquals("the OSv disk " + loader + " would overwrite its own loader image: write it elsewhere", e.getMessage());
        assertEquals(OsvLoaders.SIZE, Files.size(loader));
    }

    @Test
    void cmdlineArea_isTextNulAndZeroPadding() throws JcapException {
        byte[] area = OsvDisk.cmdlineArea("--rootfs=rofs /hello");
        byte[] expected = new byte[1024];
        byte[] text = "--rootfs=rofs /hello".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, expected, 0, text.length);
        assertArrayEquals(expected, area);
    }

    @Test
    void writeCmdline_overwritesExactly1024BytesAt512() throws Exception {
        byte[] loader = OsvLoaders.loader();
        Arrays.fill(loader, 512, 512 + 2000, (byte) 'x');
        Path disk = dir.resolve("disk.raw");
        OsvDisk.create(loader, disk, 4 * MIB);
        OsvDisk.writeCmdline(disk, "/hello a b");
        byte[] bytes = read(disk, 0, 4096);
        assertArrayEquals(Arrays.copyOfRange(loader, 0, 0x1CE), Arrays.copyOfRange(bytes, 0, 0x1CE));
        assertArrayEquals(Arrays.copyOfRange(loader, 0x1DE, 512), Arrays.copyOfRange(bytes, 0x1DE, 512));
        assertArrayEquals(OsvDisk.cmdlineArea("/hello a b"), Arrays.copyOfRange(bytes, 512, 1536));
        assertEquals('x', bytes[1536]);
        assertEquals("/hello a b", OsvDisk.readCmdline(disk));
    }

    @Test
    void cmdlineArea_1023Bytes_fitsWithItsNul() throws JcapException {
        byte[] area = OsvDisk.cmdlineArea("a".repeat(1023));
        assertEquals('a', area[1022]);
        assertEquals(0, area[1023]);
    }

    @Test
    void cmdlineArea_1024Bytes_isRefusedWithTheLimit() {
        JcapException e = assertThrows(JcapException.class, () -> OsvDisk.cmdlineArea("a".repeat(1024)));
        assertEquals("the command line is 1024 bytes long; OSv keeps at most 1023 bytes (1024 with the"
                + " terminating NUL): shorten it", e.getMessage());
    }

    @Test
    void cmdlineArea_overlong_countsUtf8Bytes() {
        JcapException e = assertThrows(JcapException.class, () -> OsvDisk.cmdlineArea("é".repeat(600)));
        assertEquals("the command line is 1200 bytes long; OSv keeps at most 1023 bytes (1024 with the"
                + " terminating NUL): shorten it", e.getMessage());
    }

    @Test
    void cmdlineArea_withNul_isRefused() {
        JcapException e = assertThrows(JcapException.class, () -> OsvDisk.cmdlineArea("/a\0/b"));
        assertEquals("the command line may not contain a NUL character: remove it", e.getMessage());
    }

    @Test
    void readCmdline_ofALoader_isItsDefaultCommandLine() throws Exception {
        assertEquals("--norandom /tools/hello.so", OsvDisk.readCmdline(write("loader.img", OsvLoaders.loader())));
    }

    @Test
    void readPartition_ofAFileWithoutBootSector_isRefused() throws Exception {
        Path file = write("notes.txt", new byte[1024]);
        JcapException e = assertThrows(JcapException.class, () -> OsvDisk.readPartition(file));
        assertEquals(file + " is not an OSv disk: no boot signature 55 AA at byte 510", e.getMessage());
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private static byte[] read(Path file, long offset, int length) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            in.skipNBytes(offset);
            return in.readNBytes(length);
        }
    }

    private static void assertAllZero(Path file, long from, long to) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            in.skipNBytes(from);
            byte[] buffer = new byte[1 << 16];
            long position = from;
            for (int n; (n = in.read(buffer)) > 0; position += n) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] != 0) {
                        throw new AssertionError("byte " + (position + i) + " is " + buffer[i] + ", not 0");
                    }
                }
            }
            assertEquals(to, position);
        }
    }
}
