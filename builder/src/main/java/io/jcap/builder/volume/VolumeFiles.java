package io.jcap.builder.volume;

import io.jcap.formats.qcow2.Qcow2Header;
import io.jcap.model.FailureReason;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/** What jcap checks of a volume's disk file before a guest gets it, and whether a guest has it. */
final class VolumeFiles {
    /** The ext2/3/4 superblock's magic number, 0xEF53 little-endian, 1024 + 0x38 bytes into the disk. */
    private static final int EXT_MAGIC_OFFSET = 1024 + 0x38;
    /**
     * The bytes QEMU locks in an image file it opens (block/file-posix.c): one per permission it
     * holds from byte 100 and one per permission it does not share from byte 200. A guest's
     * QEMU holds at least the first (consistent read), so a write lock on them fails while one runs.
     */
    private static final long QEMU_LOCK_START = 100;
    private static final long QEMU_LOCK_BYTES = 200;
    private static final Path PROC = Path.of("/proc");

    private VolumeFiles() {
    }

    /**
     * The disk image file {@code file} as a volume: it exists and is a qcow2 image (its header read
     * as everywhere in jcap, a damaged one refused) or a raw disk holding an ext2/3/4 file system.
     */
    static VolumeStore.Disk check(Path file, boolean readOnly) throws JcapException {
        Path disk = file.toAbsolutePath().normalize();
        if (!Files.isRegularFile(disk)) {
            throw JcapException.usage("volume file " + file + " does not exist or is not a file: give a disk image"
                    + " file with an ext4 file system, or a volume name (made on first use)");
        }
        if (!Files.isReadable(disk) || (!readOnly && !Files.isWritable(disk))) {
            throw JcapException.usage("volume file " + file + " is not " + (readOnly ? "readable" : "readable and"
                    + " writable") + " by you"
                    + (readOnly ? "" : " (or attach it read-only: " + file + ":/FOLDER:ro)"));
        }
        if (Qcow2Header.read(disk).isPresent()) {
            return new VolumeStore.Disk(disk, true);
        }
        try (FileChannel channel = FileChannel.open(disk, StandardOpenOption.READ)) {
            ByteBuffer head = ByteBuffer.allocate(EXT_MAGIC_OFFSET + 2);
            while (head.hasRemaining() && channel.read(head, head.position()) > 0) {
                // read what there is
            }
            byte[] bytes = head.array();
            if (head.position() < bytes.length || bytes[EXT_MAGIC_OFFSET] != 0x53
                    || bytes[EXT_MAGIC_OFFSET + 1] != (byte) 0xEF) {
                throw JcapException.usage("volume file " + file + " holds no ext2/3/4 file system at its start: the"
                        + " guest mounts the whole disk (make one with mkfs.ext4 " + file + ", or give a volume name"
                        + " and jcap makes it)");
            }
            return new VolumeStore.Disk(disk, false);
        } catch (IOException e) {
            throw new JcapException("cannot read volume file " + file + ": " + FailureReason.withFile(e), e);
        }
    }

    /**
     * Whether a QEMU (a guest of jcap's or anyone's) has {@code file} open; false for a file this
     * user cannot write, which cannot be locked to find out (QEMU still refuses a second writer).
     */
    static boolean inUse(Path file) throws JcapException {
        if (!Files.isWritable(file)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock(QEMU_LOCK_START, QEMU_LOCK_BYTES, false);
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true;
        } catch (IOException e) {
            throw new JcapException("cannot check whether a guest uses " + file + ": " + FailureReason.withFile(e), e);
        }
    }

    /**
     * The QEMU processes of this machine that have {@code file} open, by their open files
     * ({@code /proc/PID/fd}, compared by device and inode, so a hard link of it counts): QEMU's
     * lock says that a guest holds a volume, this says which. Processes jcap may not look into (a
     * system libvirtd's QEMU, for a user other than root) are left out.
     */
    static List<Long> holders(Path file) {
        Object key;
        try {
            key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return List.of();
        }
        List<Long> pids = new ArrayList<>();
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(PROC, p -> isPid(p.getFileName().toString()))) {
            for (Path process : processes) {
                if (isQemu(process) && holds(process.resolve("fd"), key)) {
                    pids.add(Long.parseLong(process.getFileName().toString()));
                }
            }
        } catch (IOException | DirectoryIteratorException e) {
            // No /proc to read: nobody is named.
        }
        pids.sort(null);
        return pids;
    }

    private static boolean isPid(String name) {
        return !name.isEmpty() && name.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static boolean isQemu(Path process) {
        try {
            return Files.readString(process.resolve("comm")).startsWith("qemu");
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean holds(Path fds, Object key) {
        try (DirectoryStream<Path> open = Files.newDirectoryStream(fds)) {
            for (Path fd : open) {
                try {
                    if (key.equals(Files.readAttributes(fd, BasicFileAttributes.class).fileKey())) {
                        return true;
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        } catch (IOException | DirectoryIteratorException e) {
            // another user's process, or one that ended
        }
        return false;
    }
}
