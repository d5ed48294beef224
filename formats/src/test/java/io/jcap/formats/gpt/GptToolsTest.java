package io.jcap.formats.gpt;

import static io.jcap.formats.ReferenceTools.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.testsupport.Requirements;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What we write, checked by gdisk's sgdisk and util-linux's sfdisk, which nobody here wrote. */
class GptToolsTest {
    private static final Path GPTMBR = Path.of("/usr/lib/syslinux/mbr/gptmbr.bin");

    @TempDir
    Path dir;

    @BeforeAll
    static void tools() {
        Requirements.requireProgram("sgdisk", "gdisk");
        Requirements.requireProgram("sfdisk", "fdisk");
        Requirements.require(Files.isRegularFile(GPTMBR), GPTMBR + " (apt-get install syslinux-common)");
    }

    private Path write(GptDisk gpt, byte[] bootCode) throws IOException {
        Path disk = dir.resolve("disk.raw");
        try (RandomAccessFile file = new RandomAccessFile(disk.toFile(), "rw")) {
            file.setLength(gpt.sectors() * 512);
        }
        gpt.writeTo(disk, bootCode);
        return disk;
    }

    private static String line(String output, String prefix) {
        return output.lines().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no line '" + prefix + "' in:\n" + output));
    }

    @Test
    void sgdisk_verifiesTheDiskAndReadsThePartitionsBack() throws Exception {
        byte[] bootCode = Files.readAllBytes(GPTMBR);
        assertEquals(440, bootCode.length);
        Path disk = write(GptDiskTest.disk(), bootCode);
        String verify = run(dir, "sgdisk", "-v", disk.toString());
        assertTrue(verify.contains("No problems found."), verify);
        assertTrue(!verify.contains("Problem:") && !verify.contains("Warning"), verify);

        String print = run(dir, "sgdisk", "-p", disk.toString());
        assertEquals("Disk identifier (GUID): 11111111-2222-3333-4444-555566667777",
                line(print, "Disk identifier (GUID):"));
        assertTrue(print.contains("First usable sector is 34, last usable sector is 131038"), print);

        String esp = run(dir, "sgdisk", "-i", "1", disk.toString());
        assertEquals("Partition GUID code: C12A7328-F81F-11D2-BA4B-00A0C93EC93B (EFI system partition)",
                line(esp, "Partition GUID code:"));
        assertEquals("Partition unique GUID: AAAAAAAA-0000-0000-0000-000000000001", line(esp, "Partition unique GUID:"));
        assertEquals("First sector: 2048 (at 1024.0 KiB)", line(esp, "First sector:"));
        assertEquals("Last sector: 18431 (at 9.0 MiB)", line(esp, "Last sector:"));
        assertEquals("Attribute flags: 0000000000000000", line(esp, "Attribute flags:"));
        assertEquals("Partition name: 'EFI System'", line(esp, "Partition name:"));

        String root = run(dir, "sgdisk", "-i", "2", disk.toString());
        assertEquals("Partition GUID code: 0FC63DAF-8483-4772-8E79-3D69D8477DE4 (Linux filesystem)",
                line(root, "Partition GUID code:"));
        assertEquals("Attribute flags: 0000000000000004", line(root, "Attribute flags:"));
        assertEquals("Partition name: 'root'", line(root, "Partition name:"));
        assertEquals(Arrays.toString(bootCode), Arrays.toString(Arrays.copyOf(Files.readAllBytes(disk), 440)));
    }

    @Test
    void sfdisk_readsTheTableAsJson() throws Exception {
        Path disk = write(GptDiskTest.disk(), new byte[0]);
        String json = run(dir, "sfdisk", "--json", disk.toString()).replaceAll("\\s+", " ");
        for (String expected : List.of("\"label\": \"gpt\"", "\"id\": \"11111111-2222-3333-4444-555566667777\"",
                "\"firstlba\": 34", "\"lastlba\": 131038",
                "\"start\": 2048, \"size\": 16384, \"type\": \"C12A7328-F81F-11D2-BA4B-00A0C93EC93B\","
                        + " \"uuid\": \"AAAAAAAA-0000-0000-0000-000000000001\", \"name\": \"EFI System\"",
                "\"start\": 18432, \"size\": 112607, \"type\": \"0FC63DAF-8483-4772-8E79-3D69D8477DE4\","
                        + " \"uuid\": \"BBBBBBBB-0000-0000-0000-000000000002\", \"name\": \"root\","
                        + " \"attrs\": \"LegacyBIOSBootable\"")) {
            assertTrue(json.contains(expected), expected + " not in " + json);
        }
    }

    @Test
    void sgdisk_readsALargeDiskWithManyPartitions() throws Exception {
        long sectors = 20L << 21; // 20 GiB, sparse
        List<GptPartition> parts = new java.util.ArrayList<>();
        for (int i = 0; i < 128; i++) {
            parts.add(new GptPartition(GptPartition.LINUX_FILESYSTEM, new UUID(1, i + 1), 2048 + i * 2048L,
                    2048 + i * 2048L + 2047, 0, "part" + i));
        }
        Path disk = write(new GptDisk(sectors, new UUID(7, 7), parts), new byte[0]);
        String verify = run(dir, "sgdisk", "-v", disk.toString());
        assertTrue(verify.contains("No problems found."), verify);
        assertEquals("Partition name: 'part127'", line(run(dir, "sgdisk", "-i", "128", disk.toString()),
                "Partition name:"));
        assertEquals(parts, List.copyOf(GptTable.read(disk).partitions().values()));
    }
}
