package io.jcap.formats.gpt;

import static io.jcap.formats.gpt.GptDiskTest.DISK;
import static io.jcap.formats.gpt.GptDiskTest.ESP;
import static io.jcap.formats.gpt.GptDiskTest.ROOT;
import static io.jcap.formats.gpt.GptDiskTest.SECTORS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GptTableTest {
    @TempDir
    Path dir;

    private Path emptyDisk(long sectors) throws IOException {
        Path disk = dir.resolve("disk.raw");
        try (RandomAccessFile file = new RandomAccessFile(disk.toFile(), "rw")) {
            file.setLength(sectors * 512);
        }
        return disk;
    }

    private Path writtenDisk() throws IOException {
        Path disk = emptyDisk(SECTORS);
        GptDiskTest.disk().writeTo(disk, new byte[440]);
        return disk;
    }

    private void corrupt(Path disk, long position) throws IOException {
        try (FileChannel channel = FileChannel.open(disk, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(new byte[] {0x5A}), position);
        }
    }

    @Test
    void read_givesBackWhatWasWritten() throws IOException {
        GptTable table = GptTable.read(writtenDisk());
        assertEquals(new GptTable(DISK, 34, SECTORS - 34, Map.of(1, ESP, 2, ROOT)), table);
        assertEquals(Optional.of(2), table.firstOfType(GptPartition.LINUX_FILESYSTEM));
        assertEquals(Optional.empty(), table.firstOfType(GptPartition.BIOS_BOOT));
    }

    @Test
    void writeTo_leavesTheSectorsBetweenTheTablesAlone() throws IOException {
        Path disk = emptyDisk(SECTORS);
        byte[] marker = "ext4 lives here".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        try (FileChannel channel = FileChannel.open(disk, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(marker), 18432L * 512);
        }
        GptDiskTest.disk().writeTo(disk, new byte[0]);
        byte[] all = Files.readAllBytes(disk);
        assertEquals("ext4 lives here", new String(all, 18432 * 512, marker.length,
                java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Test
    void writeTo_fileOfAnotherSize_isRefused() throws IOException {
        Path disk = emptyDisk(SECTORS + 1);
        IOException e = assertThrows(IOException.class, () -> GptDiskTest.disk().writeTo(disk, new byte[0]));
        assertEquals("the disk file is 67109376 bytes but this GPT is for a disk of 131072 sectors = 67108864 bytes:"
                + " make the file that size first", e.getMessage());
    }

    /** The message of reading a written disk with byte {@code position} changed. */
    private String damaged(long position) throws IOException {
        Path disk = writtenDisk();
        corrupt(disk, position);
        String message = assertThrows(GptFormatException.class, () -> GptTable.read(disk)).getMessage();
        return message.replace(disk.toString(), "DISK").replaceAll("[0-9a-f]{8}", "CRC");
    }

    @Test
    void read_damagedHeaderOrEntries_saysWhichCrcFails() throws IOException {
        assertEquals("DISK: the GPT header at LBA 1 is damaged: its CRC32 is CRC but its bytes give CRC",
                damaged(512 + 40));
        assertEquals("DISK: the GPT entries at LBA 2 are damaged: the header gives their CRC32 as CRC but they give CRC",
                damaged(1024 + 300));
    }

    @Test
    void read_mbrOnlyOrBlankDisk_saysWhatItHas() throws IOException {
        Path disk = emptyDisk(2048);
        try (FileChannel channel = FileChannel.open(disk, StandardOpenOption.READ)) {
            assertEquals(PartitionScheme.NONE, PartitionScheme.of(channel));
        }
        assertEquals(disk + ": no GUID partition table: LBA 1 has no \"EFI PART\" signature; the disk has no partition"
                + " table (no 55 AA at the end of LBA 0)",
                assertThrows(GptFormatException.class, () -> GptTable.read(disk)).getMessage());
        try (FileChannel channel = FileChannel.open(disk, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(new byte[] {0x55, (byte) 0xAA}), 510);
            assertEquals(PartitionScheme.MBR, PartitionScheme.of(channel));
        }
        assertEquals(disk + ": no GUID partition table: LBA 1 has no \"EFI PART\" signature; the disk has an MBR"
                + " partition table only", assertThrows(GptFormatException.class, () -> GptTable.read(disk))
                .getMessage());
        assertEquals(PartitionScheme.GPT, PartitionScheme.of(writtenDisk()));
    }

    @Test
    void read_diskGrownAfterPartitioning_stillReads() throws IOException {
        Path disk = writtenDisk();
        try (RandomAccessFile file = new RandomAccessFile(disk.toFile(), "rw")) {
            file.setLength(2 * SECTORS * 512);
        }
        assertEquals(List.of(ESP, ROOT), List.copyOf(GptTable.read(disk).partitions().values()));
    }
}
