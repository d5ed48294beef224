package io.jcap.formats.gpt;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A disk of {@code sectors} 512-byte sectors partitioned with a GUID partition table, as UEFI 2.x
 * lays it out: a protective MBR at LBA 0 (one 0xEE entry covering the disk, plus BIOS boot code
 * such as SYSLINUX's gptmbr.bin), the primary header at LBA 1 and its 128 entries of 128 bytes at
 * LBA 2 to 33, the backup entries at the 32 sectors before the last one and the backup header at
 * the last. Partitions go in entries 1, 2, ... in the order given.
 *
 * <pre>{@code
 * GptDisk disk = new GptDisk(131072, diskGuid, List.of(
 *         new GptPartition(GptPartition.EFI_SYSTEM, espGuid, 2048, 18431, 0, "EFI System"),
 *         new GptPartition(GptPartition.LINUX_FILESYSTEM, rootGuid, 18432, 131038,
 *                 GptPartition.LEGACY_BIOS_BOOTABLE, "root")));
 * disk.writeTo(Path.of("disk.raw"), Files.readAllBytes(Path.of("/usr/lib/syslinux/mbr/gptmbr.bin")));
 * }</pre>
 *
 * @param sectors the disk's size in 512-byte sectors, 68 at least (two tables and one usable sector)
 */
public record GptDisk(long sectors, UUID diskGuid, List<GptPartition> partitions) {
    public static final int SECTOR = 512;
    public static final int ENTRY_COUNT = 128;
    /** The entries array takes 128 * 128 bytes = 32 sectors. */
    public static final int ENTRIES_SECTORS = ENTRY_COUNT * GptPartition.ENTRY_SIZE / SECTOR;
    /** LBA 0 to 33: protective MBR, header, entries. */
    public static final int FIRST_USABLE_LBA = 2 + ENTRIES_SECTORS;
    /** Bytes 0 to 439 of LBA 0 are boot code; the disk signature and partition entries follow. */
    public static final int MAX_BOOT_CODE = 440;
    static final long MIN_SECTORS = FIRST_USABLE_LBA + 1 + ENTRIES_SECTORS + 1;

    public GptDisk {
        Objects.requireNonNull(diskGuid, "diskGuid");
        partitions = List.copyOf(partitions);
        if (sectors < MIN_SECTORS) {
            throw new IllegalArgumentException("a GPT disk of " + sectors + " sectors is too small: it needs "
                    + MIN_SECTORS + " sectors of 512 bytes at least (34 at the start, 33 at the end, 1 usable)");
        }
        if (diskGuid.getMostSignificantBits() == 0 && diskGuid.getLeastSignificantBits() == 0) {
            throw new IllegalArgumentException("disk GUID 00000000-0000-0000-0000-000000000000 is not allowed:"
                    + " give a unique non-zero GUID");
        }
        if (partitions.size() > ENTRY_COUNT) {
            throw new IllegalArgumentException(partitions.size() + " partitions given: a GPT holds at most "
                    + ENTRY_COUNT);
        }
        long lastUsable = sectors - 1 - 1 - ENTRIES_SECTORS;
        for (GptPartition p : partitions) {
            if (p.firstLba() < FIRST_USABLE_LBA || p.lastLba() > lastUsable) {
                throw new IllegalArgumentException("partition '" + p.name() + "' from LBA " + p.firstLba() + " to "
                        + p.lastLba() + " is outside the usable sectors " + FIRST_USABLE_LBA + " to " + lastUsable
                        + " of a disk of " + sectors + " sectors");
            }
        }
        List<GptPartition> byStart = new ArrayList<>(partitions);
        byStart.sort(Comparator.comparingLong(GptPartition::firstLba));
        for (int i = 1; i < byStart.size(); i++) {
            GptPartition before = byStart.get(i - 1);
            GptPartition after = byStart.get(i);
            if (after.firstLba() <= before.lastLba()) {
                throw new IllegalArgumentException("partitions '" + before.name() + "' (LBA " + before.firstLba()
                        + " to " + before.lastLba() + ") and '" + after.name() + "' (LBA " + after.firstLba() + " to "
                        + after.lastLba() + ") overlap");
            }
        }
        for (int i = 0; i < partitions.size(); i++) {
            for (int j = i + 1; j < partitions.size(); j++) {
                if (partitions.get(i).id().equals(partitions.get(j).id())) {
                    throw new IllegalArgumentException("partitions " + (i + 1) + " and " + (j + 1)
                            + " have the same GUID " + partitions.get(i).id() + ": each needs its own");
                }
            }
        }
    }

    public long lastLba() {
        return sectors - 1;
    }

    public long lastUsableLba() {
        return lastLba() - 1 - ENTRIES_SECTORS;
    }

    /**
     * The bytes of the table: LBA 0 to 33 at the disk's start and the last 33 sectors at its end.
     *
     * @param bootCode 0 to 440 bytes of BIOS boot code for the start of LBA 0 (the rest is zero)
     * @throws IllegalArgumentException when the boot code is longer than 440 bytes
     */
    public GptRegions regions(byte[] bootCode) {
        if (bootCode.length > MAX_BOOT_CODE) {
            throw new IllegalArgumentException("MBR boot code of " + bootCode.length + " bytes is too long: at most "
                    + MAX_BOOT_CODE + " bytes fit before the disk signature (gptmbr.bin is 440)");
        }
        byte[] entries = new byte[ENTRIES_SECTORS * SECTOR];
        for (int i = 0; i < partitions.size(); i++) {
            byte[] entry = partitions.get(i).toEntry();
            System.arraycopy(entry, 0, entries, i * entry.length, entry.length);
        }
        int entriesCrc = GptHeader.crc32(entries, 0, entries.length);
        long backupEntriesLba = lastLba() - ENTRIES_SECTORS;
        GptHeader primary = new GptHeader(1, lastLba(), FIRST_USABLE_LBA, lastUsableLba(), diskGuid, 2, ENTRY_COUNT,
                GptPartition.ENTRY_SIZE, entriesCrc);
        GptHeader backup = new GptHeader(lastLba(), 1, FIRST_USABLE_LBA, lastUsableLba(), diskGuid,
                backupEntriesLba, ENTRY_COUNT, GptPartition.ENTRY_SIZE, entriesCrc);

        ByteBuffer head = ByteBuffer.allocate(FIRST_USABLE_LBA * SECTOR);
        head.put(protectiveMbr(bootCode)).put(primary.toSector()).put(entries);
        ByteBuffer tail = ByteBuffer.allocate((ENTRIES_SECTORS + 1) * SECTOR);
        tail.put(entries).put(backup.toSector());
        return new GptRegions(head.array(), backupEntriesLba * SECTOR, tail.array());
    }

    /** Writes the table into {@code disk}, an existing file of exactly {@code sectors * 512} bytes. */
    public void writeTo(Path disk, byte[] bootCode) throws IOException {
        try (FileChannel channel = FileChannel.open(disk, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            writeTo(channel, bootCode);
        }
    }

    /**
     * Writes the table into {@code disk}, whose size must be {@code sectors * 512} bytes (the backup
     * header goes in its last sector); other sectors are left as they are.
     *
     * @throws IOException when the channel's size differs or writing fails
     */
    public void writeTo(FileChannel disk, byte[] bootCode) throws IOException {
        GptRegions regions = regions(bootCode);
        long size = disk.size();
        if (size != sectors * SECTOR) {
            throw new IOException("the disk file is " + size + " bytes but this GPT is for a disk of " + sectors
                    + " sectors = " + sectors * SECTOR + " bytes: make the file that size first");
        }
        writeFully(disk, regions.head(), 0);
        writeFully(disk, regions.tail(), regions.tailOffset());
    }

    private static void writeFully(FileChannel disk, byte[] bytes, long position) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            disk.write(buffer, position + buffer.position());
        }
    }

    private byte[] protectiveMbr(byte[] bootCode) {
        ByteBuffer mbr = ByteBuffer.allocate(SECTOR).order(ByteOrder.LITTLE_ENDIAN);
        mbr.put(0, bootCode);
        int entry = 0x1BE;
        // Status 0 (not bootable: UEFI requires it), start CHS 0/0/2, type EE, end CHS "too large".
        mbr.put(entry, new byte[] {0, 0, 2, 0, (byte) 0xEE, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
        mbr.putInt(entry + 8, 1);
        mbr.putInt(entry + 12, (int) Math.min(lastLba(), 0xFFFF_FFFFL));
        mbr.put(510, (byte) 0x55).put(511, (byte) 0xAA);
        return mbr.array();
    }
}
