package io.jcap.kernels.osv;

import io.jcap.formats.mbr.BootRecord;
import io.jcap.formats.mbr.PartitionEntry;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes and reads the fixed parts of a raw OSv disk: a copy of the loader image, the file-system
 * partition in MBR entry 2 and the command line at byte 512. What goes into the partition (ROFS
 * written on the host, or ZFS written by a builder VM) is someone else's business.
 *
 * <pre>{@code
 * PartitionEntry fs = OsvDisk.create(loader, disk, 256L << 20); // partition from 2 MiB to 256 MiB
 * OsvDisk.writeCmdline(disk, "--rootfs=rofs /hello");
 * }</pre>
 */
public final class OsvDisk {
    public static final int SECTOR = 512;
    /** The partition starts at the loader's size rounded up to this (OSv's and Capstan's rule). */
    public static final long PARTITION_ALIGNMENT = 2L << 20;
    /** uint16 LE at this offset: the compressed kernel's size in 32 KiB units. Never written here. */
    public static final int KERNEL_SIZE_OFFSET = 0x10;
    /** The MBR entry OSv looks at for its file system ({@code /dev/vblk0.1}). */
    public static final int FS_PARTITION = 2;
    public static final int CMDLINE_OFFSET = 512;
    /** The command-line area jcap writes: the text, a NUL, zeros up to this many bytes. */
    public static final int CMDLINE_AREA = 1024;
    /** OSv refuses to keep a command line of 1024 bytes or more (it needs room for the NUL). */
    public static final int CMDLINE_MAX_BYTES = CMDLINE_AREA - 1;
    /** The boot sector loads this many bytes (63 sectors) from byte 512 as the command line. */
    static final int BOOT_CMDLINE_READ = 63 * SECTOR;

    private OsvDisk() {
    }

    /** Where the file-system partition starts: {@code loaderSize} rounded up to 2 MiB. */
    public static long partitionStart(long loaderSize) {
        if (loaderSize < SECTOR) {
            throw new IllegalArgumentException("a loader image holds at least its 512-byte boot sector, not "
                    + loaderSize + " bytes");
        }
        return (loaderSize + PARTITION_ALIGNMENT - 1) / PARTITION_ALIGNMENT * PARTITION_ALIGNMENT;
    }

    /**
     * Writes {@code disk} (replacing it): a copy of {@code loader}, MBR entry 2 covering everything
     * from {@link #partitionStart} to {@code diskSize}, the file grown to {@code diskSize} without
     * allocating the zeros. The rest of the loader (its kernel-size field, its command line) is
     * copied unchanged.
     *
     * @return the partition entry written
     */
    public static PartitionEntry create(Path loader, Path disk, long diskSize) throws JcapException {
        long loaderSize;
        try {
            loaderSize = Files.size(loader);
        } catch (IOException e) {
            throw new JcapException("cannot read OSv loader image " + loader + ": " + e.getMessage(), e);
        }
        PartitionEntry entry = plan(loader.toString(), loaderSize, diskSize);
        if (sameFile(loader, disk)) {
            throw new JcapException("the OSv disk " + disk + " would overwrite its own loader image: write it elsewhere");
        }
        try (FileChannel in = FileChannel.open(loader, StandardOpenOption.READ);
             RandomAccessFile out = open(disk)) {
            byte[] sector = new byte[SECTOR];
            readFully(in, ByteBuffer.wrap(sector), 0);
            checkBootSignature(loader.toString(), sector);
            FileChannel target = out.getChannel();
            for (long copied = 0; copied < loaderSize; ) {
                copied += in.transferTo(copied, loaderSize - copied, target);
            }
            finish(out, entry, diskSize);
        } catch (IOException e) {
            throw new JcapException("cannot write OSv disk " + disk + ": " + e.getMessage(), e);
        }
        return entry;
    }

    /** Like {@link #create(Path, Path, long)} for a loader image held in memory. */
    public static PartitionEntry create(byte[] loader, Path disk, long diskSize) throws JcapException {
        PartitionEntry entry = plan("the loader image", loader.length, diskSize);
        checkBootSignature("the loader image", loader);
        try (RandomAccessFile out = open(disk)) {
            out.write(loader);
            finish(out, entry, diskSize);
        } catch (IOException e) {
            throw new JcapException("cannot write OSv disk " + disk + ": " + e.getMessage(), e);
        }
        return entry;
    }

    private static PartitionEntry plan(String loaderName, long loaderSize, long diskSize) throws JcapException {
        if (loaderSize < SECTOR) {
            throw new JcapException(loaderName + " is not an OSv loader image: it is " + loaderSize
                    + " bytes, less than a boot sector");
        }
        long start = partitionStart(loaderSize);
        if (diskSize % SECTOR != 0) {
            throw new JcapException("disk size " + diskSize + " bytes is not a multiple of 512: round it to whole sectors");
        }
        if (diskSize <= start) {
            throw new JcapException("disk size " + diskSize + " bytes leaves no room for the file system, which starts at "
                    + start + " (the " + loaderSize + "-byte loader rounded up to 2 MiB): ask for a bigger disk");
        }
        long sectors = (diskSize - start) / SECTOR;
        if (sectors > 0xFFFF_FFFFL) {
            throw new JcapException("disk size " + diskSize + " bytes is too big for an MBR partition (at most 2 TiB)");
        }
        return PartitionEntry.linux(start / SECTOR, sectors);
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    private static RandomAccessFile open(Path disk) throws IOException {
        Files.deleteIfExists(disk);
        return new RandomAccessFile(disk.toFile(), "rw");
    }

    private static void finish(RandomAccessFile out, PartitionEntry entry, long diskSize) throws IOException {
        out.seek(BootRecord.entryOffset(FS_PARTITION));
        out.write(entry.toBytes());
        // Growing by length leaves a hole: the zeros cost no space until written.
        out.setLength(diskSize);
    }

    private static void checkBootSignature(String name, byte[] sector) throws JcapException {
        if (!BootRecord.hasSignature(sector)) {
            throw new JcapException(name + " is not an OSv loader image: no boot signature 55 AA at byte 510");
        }
    }

    /** The kernel-size field of a boot sector: the compressed kernel's size in 32 KiB units. */
    public static int kernelSizeField(byte[] bootSector) {
        return (bootSector[KERNEL_SIZE_OFFSET] & 0xFF) | (bootSector[KERNEL_SIZE_OFFSET + 1] & 0xFF) << 8;
    }

    /**
     * The {@value #CMDLINE_AREA} bytes jcap writes at byte 512: the UTF-8 text, a NUL, zeros.
     *
     * @throws JcapException if the text holds a NUL or is longer than {@value #CMDLINE_MAX_BYTES} bytes
     */
    public static byte[] cmdlineArea(String cmdline) throws JcapException {
        if (cmdline.indexOf('\0') >= 0) {
            throw new JcapException("the command line may not contain a NUL character: remove it");
        }
        byte[] text = cmdline.getBytes(StandardCharsets.UTF_8);
        if (text.length > CMDLINE_MAX_BYTES) {
            throw new JcapException("the command line is " + text.length + " bytes long; OSv keeps at most "
                    + CMDLINE_MAX_BYTES + " bytes (" + CMDLINE_AREA + " with the terminating NUL): shorten it");
        }
        byte[] area = new byte[CMDLINE_AREA];
        System.arraycopy(text, 0, area, 0, text.length);
        return area;
    }

    /** Writes {@code cmdline} at byte 512 of an existing disk (see {@link #cmdlineArea}). */
    public static void writeCmdline(Path disk, String cmdline) throws JcapException {
        byte[] area = cmdlineArea(cmdline);
        try (FileChannel ch = FileChannel.open(disk, StandardOpenOption.WRITE)) {
            if (ch.size() < CMDLINE_OFFSET + CMDLINE_AREA) {
                throw new JcapException(disk + " is too small (" + ch.size() + " bytes) to be an OSv disk");
            }
            ByteBuffer buffer = ByteBuffer.wrap(area);
            while (buffer.hasRemaining()) {
                ch.write(buffer, CMDLINE_OFFSET + buffer.position());
            }
        } catch (IOException e) {
            throw new JcapException("cannot write the command line of " + disk + ": " + e.getMessage(), e);
        }
    }

    /** The command line of a disk or loader image: the text from byte 512 up to the first NUL. */
    public static String readCmdline(Path disk) throws JcapException {
        try (FileChannel ch = FileChannel.open(disk, StandardOpenOption.READ)) {
            int length = (int) Math.max(0, Math.min(BOOT_CMDLINE_READ, ch.size() - CMDLINE_OFFSET));
            byte[] area = new byte[length];
            readFully(ch, ByteBuffer.wrap(area), CMDLINE_OFFSET);
            int end = 0;
            while (end < area.length && area[end] != 0) {
                end++;
            }
            return new String(area, 0, end, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new JcapException("cannot read the command line of " + disk + ": " + e.getMessage(), e);
        }
    }

    /** MBR entry 2 of a disk: where its file system lives. */
    public static PartitionEntry readPartition(Path disk) throws JcapException {
        try {
            return BootRecord.read(disk).partition(FS_PARTITION);
        } catch (JcapException e) {
            // The record's own words, said of an OSv disk.
            throw new JcapException(e.getMessage().replace("is not a bootable disk", "is not an OSv disk"), e);
        }
    }

    /** Fills {@code buffer} from its position on with the file's bytes from {@code position} on. */
    static void readFully(FileChannel ch, ByteBuffer buffer, long position) throws IOException {
        int start = buffer.position();
        while (buffer.hasRemaining()) {
            long at = position + buffer.position() - start;
            if (ch.read(buffer, at) < 0) {
                throw new IOException("unexpected end of file at byte " + at);
            }
        }
    }
}
