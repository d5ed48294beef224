package io.jcap.formats.fat;

import static io.jcap.formats.ReferenceTools.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.formats.ReferenceTools;
import io.jcap.host.HostTool;
import io.jcap.formats.gpt.GptDisk;
import io.jcap.formats.gpt.GptPartition;
import io.jcap.testsupport.Requirements;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What FatWriter writes, checked by dosfstools' fsck.fat and by mtools, which nobody here wrote. */
class FatToolsTest {
    @BeforeAll
    static void tools() {
        Requirements.requireProgram("fsck.fat", "dosfstools");
        Requirements.requireProgram("mcopy", "mtools");
        Requirements.requireProgram("sgdisk", "gdisk");
    }

    @TempDir
    Path dir;

    /** fsck.fat -n finds nothing to repair and counts the files and clusters we wrote. */
    private void assertFsckClean(String image, long sizeBytes) throws Exception {
        HostTool.Result fsck = ReferenceTools.runAnyExit(dir, "fsck.fat", "-n", "-v", image);
        String out = fsck.stdout() + fsck.stderr();
        assertEquals(0, fsck.exitCode(), out);
        for (String bad : List.of("arning", "rror", "ixing", "not ", "differ", "orrupt", "ree cluster", "Wrong",
                "Truncat", "Reclaim", "unchanged")) {
            assertTrue(!out.contains(bad), "fsck.fat says '" + bad + "':\n" + out);
        }
        FatGeometry g = FatGeometry.of(sizeBytes);
        long used = FatTree.of(new java.util.TreeMap<>(FatWriterTest.files())).clustersBelow(g.bytesPerCluster());
        assertTrue(out.contains(image + ": 47 files, " + used + "/" + g.clusterCount() + " clusters"), out);
    }

    private void assertMtoolsReadsBack(String image) throws Exception {
        String listing = run(dir, "mdir", "-i", image, "::/EFI/BOOT");
        assertTrue(listing.contains("Volume in drive : is JCAP ESP"), listing);
        assertTrue(listing.contains("Volume Serial Number is 1234-ABCD"), listing);
        assertTrue(listing.matches("(?s).*\nBOOTX64  EFI +300000 1980-01-01 +0:00 *\n.*"), listing);
        assertTrue(listing.matches("(?s).*\nGRUB     CFG +29 1980-01-01 +0:00 *\n.*"), listing);
        Path copy = dir.resolve("BOOTX64.EFI");
        Files.deleteIfExists(copy);
        run(dir, "mcopy", "-n", "-i", image, "::/EFI/BOOT/BOOTX64.EFI", copy.toString());
        assertArrayEquals(FatWriterTest.GRUB, Files.readAllBytes(copy));
        assertEquals(new String(FatWriterTest.CFG, StandardCharsets.US_ASCII),
                run(dir, "mtype", "-i", image, "::/EFI/BOOT/GRUB.CFG"));
        assertEquals("file 39\n", run(dir, "mtype", "-i", image, "::/MANY/F39.TXT"));
        assertEquals("", run(dir, "mtype", "-i", image, "::/EMPTY"));
    }

    @ParameterizedTest(name = "{0} MiB")
    @ValueSource(ints = {1, 4, 8, 16, 32, 64})
    void fsckAndMtools_acceptTheVolumeAndReadTheFilesBack(int mib) throws Exception {
        Path image = dir.resolve("esp.img");
        Files.write(image, FatWriter.write(FatWriterTest.esp((long) mib << 20)));
        assertFsckClean(image.toString(), (long) mib << 20);
        assertMtoolsReadsBack(image.toString());
        String info = run(dir, "minfo", "-i", image.toString(), "::");
        assertTrue(info.contains("disk type=\"" + (mib < 5 ? "FAT12" : "FAT16") + "   \""), info);
    }

    @Test
    void espInAGptDisk_isReadByMtoolsAtItsOffsetAndTheDiskVerifies() throws Exception {
        Path disk = dir.resolve("disk.raw");
        long sectors = 64 << 11;
        try (RandomAccessFile file = new RandomAccessFile(disk.toFile(), "rw")) {
            file.setLength(sectors * 512);
        }
        GptDisk gpt = new GptDisk(sectors, new UUID(1, 1), List.of(
                new GptPartition(GptPartition.EFI_SYSTEM, new UUID(2, 2), 2048, 18431, 0, "EFI System"),
                new GptPartition(GptPartition.LINUX_FILESYSTEM, new UUID(3, 3), 18432, sectors - 34,
                        GptPartition.LEGACY_BIOS_BOOTABLE, "root")));
        gpt.writeTo(disk, new byte[0]);
        try (FileChannel channel = FileChannel.open(disk, StandardOpenOption.WRITE)) {
            FatWriter.write(FatWriterTest.esp(8 << 20), channel, 2048L * 512);
        }
        assertEquals(sectors * 512, Files.size(disk));
        assertTrue(run(dir, "sgdisk", "-v", disk.toString()).contains("No problems found."));
        assertMtoolsReadsBack(disk + "@@1M");

        byte[] volume = java.util.Arrays.copyOfRange(Files.readAllBytes(disk), 1 << 20, 9 << 20);
        assertEquals(2048, java.nio.ByteBuffer.wrap(volume).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(28));
        Path extracted = dir.resolve("esp.img");
        Files.write(extracted, volume);
        assertFsckClean(extracted.toString(), 8 << 20);
        byte[] alone = FatWriter.write(FatWriterTest.esp(8 << 20));
        java.nio.ByteBuffer.wrap(alone).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(28, 2048);
        assertArrayEquals(alone, volume, "the channel writer differs from the byte writer beyond hidden sectors");
    }
}
