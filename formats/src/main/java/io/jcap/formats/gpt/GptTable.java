package io.jcap.formats.gpt;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The GUID partition table read from a disk: its GUID, usable sectors and used entries by entry
 * number (1 for the first entry: Linux's {@code /dev/vda1}). Only the primary header and entries
 * are read; both CRCs must hold. The backup is not required to be at the disk's end, so a disk
 * grown after partitioning still reads.
 *
 * <pre>{@code
 * GptTable table = GptTable.read(Path.of("disk.raw"));
 * int root = table.firstOfType(GptPartition.LINUX_FILESYSTEM).orElseThrow();   // 2: /dev/vda2
 * long offset = table.partitions().get(root).firstLba() * 512;
 * }</pre>
 */
public record GptTable(UUID diskGuid, long firstUsableLba, long lastUsableLba, Map<Integer, GptPartition> partitions) {
    /** Entries arrays beyond this are not GPTs any tool writes; refusing them bounds what a damaged header makes us read. */
    static final int MAX_ENTRIES_BYTES = 1 << 20;

    public GptTable {
        Objects.requireNonNull(diskGuid, "diskGuid");
        partitions = Collections.unmodifiableMap(new TreeMap<>(partitions));
    }

    /** The lowest entry number whose partition has type {@code type}. */
    public Optional<Integer> firstOfType(UUID type) {
        return partitions.entrySet().stream().filter(e -> e.getValue().type().equals(type)).map(Map.Entry::getKey)
                .findFirst();
    }

    /** The table of the disk image {@code disk}. */
    public static GptTable read(Path disk) throws IOException {
        try (FileChannel channel = FileChannel.open(disk, StandardOpenOption.READ)) {
            return read(channel);
        } catch (GptFormatException e) {
            throw new GptFormatException(disk + ": " + e.getMessage());
        }
    }

    /**
     * The table of the disk in {@code disk}.
     *
     * @throws GptFormatException when the disk has no GPT (with what it has instead) or a damaged one
     * @throws IOException when reading fails
     */
    public static GptTable read(FileChannel disk) throws IOException {
        byte[] sector = readAt(disk, GptDisk.SECTOR, GptDisk.SECTOR);
        if (!GptHeader.hasSignature(sector)) {
            throw new GptFormatException("no GUID partition table: LBA 1 has no \"EFI PART\" signature; the disk has "
                    + switch (PartitionScheme.of(disk)) {
                        case MBR -> "an MBR partition table only";
                        default -> "no partition table (no 55 AA at the end of LBA 0)";
                    });
        }
        GptHeader header;
        try {
            header = GptHeader.parse(sector, 1);
        } catch (IllegalArgumentException e) {
            throw new GptFormatException(e.getMessage());
        }
        long entriesBytes = (long) header.entryCount() * header.entrySize();
        if (header.entrySize() < GptPartition.ENTRY_SIZE || header.entrySize() % GptPartition.ENTRY_SIZE != 0
                || header.entryCount() < 0 || entriesBytes > MAX_ENTRIES_BYTES) {
            throw new GptFormatException("the GPT header at LBA 1 gives " + header.entryCount() + " entries of "
                    + header.entrySize() + " bytes: entries of a multiple of 128 bytes, 1 MiB in all at most, allowed");
        }
        byte[] entries = readAt(disk, header.entriesLba() * GptDisk.SECTOR, (int) entriesBytes);
        int crc = GptHeader.crc32(entries, 0, entries.length);
        if (crc != header.entriesCrc()) {
            throw new GptFormatException("the GPT entries at LBA " + header.entriesLba() + " are damaged: the header"
                    + " gives their CRC32 as " + GptHeader.hex(header.entriesCrc()) + " but they give "
                    + GptHeader.hex(crc));
        }
        Map<Integer, GptPartition> used = new TreeMap<>();
        ByteBuffer buffer = ByteBuffer.wrap(entries).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < header.entryCount(); i++) {
            try {
                GptPartition p = GptPartition.fromEntry(buffer, i * header.entrySize());
                if (p != null) {
                    used.put(i + 1, p);
                }
            } catch (IllegalArgumentException e) {
                throw new GptFormatException("GPT entry " + (i + 1) + " is damaged: " + e.getMessage());
            }
        }
        return new GptTable(header.diskGuid(), header.firstUsableLba(), header.lastUsableLba(), used);
    }

    /** {@code length} bytes from {@code position}, zeros past the end of the file. */
    static byte[] readAt(FileChannel disk, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (disk.read(buffer, position + buffer.position()) < 0) {
                break;
            }
        }
        return buffer.array();
    }
}
