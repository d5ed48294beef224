package io.jcap.formats.gpt;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * How a disk is partitioned, judged by signatures only: a GPT header signature at LBA 1, else an
 * MBR's 55 AA at the end of LBA 0, else neither. {@link GptTable#read} then checks a GPT in full.
 *
 * <pre>{@code
 * if (PartitionScheme.of(channel) == PartitionScheme.MBR) { ... io.jcap.formats.mbr.BootRecord.read(disk) ... }
 * }</pre>
 */
public enum PartitionScheme {
    /** "EFI PART" at the start of LBA 1 (the protective MBR is not required). */
    GPT,
    /** No GPT signature, and LBA 0 ends with 55 AA: a classic MBR disk. */
    MBR,
    /** Neither: a bare file system, or not a disk. */
    NONE;

    /** The scheme of the disk image {@code disk}. */
    public static PartitionScheme of(Path disk) throws IOException {
        try (FileChannel channel = FileChannel.open(disk, StandardOpenOption.READ)) {
            return of(channel);
        }
    }

    /** The scheme of the disk in {@code disk}. */
    public static PartitionScheme of(FileChannel disk) throws IOException {
        byte[] lba1 = GptTable.readAt(disk, GptDisk.SECTOR, GptDisk.SECTOR);
        if (GptHeader.hasSignature(lba1)) {
            return GPT;
        }
        byte[] lba0 = GptTable.readAt(disk, 0, GptDisk.SECTOR);
        return (lba0[510] & 0xFF) == 0x55 && (lba0[511] & 0xFF) == 0xAA ? MBR : NONE;
    }
}
