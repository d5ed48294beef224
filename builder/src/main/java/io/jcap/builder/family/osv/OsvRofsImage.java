package io.jcap.builder.family.osv;

import io.jcap.formats.mbr.PartitionEntry;
import io.jcap.formats.rofs.RofsSuperblock;
import io.jcap.formats.rofs.RofsWriter;
import io.jcap.kernels.osv.OsvDisk;
import io.jcap.kernels.osv.OsvKernelFile;
import io.jcap.kernels.osv.OsvKernelKind;
import io.jcap.kernels.osv.OsvKernels;
import io.jcap.model.EventSink;
import io.jcap.model.ImageEntry;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Builds a complete OSv image with a read-only file system, no VM needed: a copy of the loader
 * image, MBR entry 2 from the loader's size rounded up to 2 MiB, the ROFS in that partition
 * (sized to fit, rounded up to 1 MiB), and the command line with OSv's {@code --rootfs=rofs}
 * option in front. The same inputs give the same bytes.
 *
 * <pre>{@code
 * OsvRofsImage.Written image = OsvRofsImage.write(loader, tree.entries(), "/hello", Path.of("hello.raw"));
 * }</pre>
 */
public final class OsvRofsImage {
    /** What OSv's own build puts in front of a ROFS image's command line. */
    public static final String ROOTFS_OPTION = "--rootfs=rofs";
    /** The partition (and so the disk) is rounded up to whole MiB after the ROFS. */
    public static final long SIZE_ALIGNMENT = 1L << 20;

    private OsvRofsImage() {
    }

    /** What was written: the disk's size, its partition entry, the ROFS superblock, the command line. */
    public record Written(long diskBytes, PartitionEntry partition, RofsSuperblock superblock, String cmdline) {
    }

    /** The command line written for an application command line: {@code --rootfs=rofs} first. */
    public static String cmdline(String application) {
        return application.isBlank() ? ROOTFS_OPTION : ROOTFS_OPTION + " " + application;
    }

    public static Written write(Path loader, List<ImageEntry> entries, String cmdline, Path rawOut) throws JcapException {
        return write(loader, entries, cmdline, rawOut, EventSink.NONE);
    }

    /**
     * Writes the raw image to {@code rawOut} (replacing it only once complete).
     *
     * @param loader a raw (not compressed) OSv loader image
     * @param cmdline the application's command line, without {@code --rootfs=rofs}
     */
    public static Written write(Path loader, List<ImageEntry> entries, String cmdline, Path rawOut, EventSink events)
            throws JcapException {
        checkLoader(loader);
        String fullCmdline = cmdline(cmdline);
        OsvDisk.cmdlineArea(fullCmdline);
        RofsWriter rofs = RofsWriter.of(entries);
        long start;
        try {
            start = OsvDisk.partitionStart(Files.size(loader));
        } catch (IOException e) {
            throw new JcapException("cannot read OSv loader image " + loader + ": " + e.getMessage(), e);
        }
        long partitionBytes = (rofs.sizeBytes() + SIZE_ALIGNMENT - 1) / SIZE_ALIGNMENT * SIZE_ALIGNMENT;
        Path target = rawOut.toAbsolutePath();
        Path staging = null;
        try {
            Files.createDirectories(target.getParent());
            staging = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
            events.info("Writing OSv image " + rawOut + " (ROFS, " + rofs.superblock().inodeCount() + " entries)");
            PartitionEntry partition = OsvDisk.create(loader, staging, start + partitionBytes);
            try (FileChannel ch = FileChannel.open(staging, StandardOpenOption.WRITE)) {
                rofs.write(ch, partition.startBytes(), events);
            }
            OsvDisk.writeCmdline(staging, fullCmdline);
            moveIntoPlace(staging, target);
            staging = null;
            return new Written(start + partitionBytes, partition, rofs.superblock(), fullCmdline);
        } catch (IOException e) {
            throw new JcapException("cannot write OSv image " + rawOut + ": " + e.getMessage(), e);
        } finally {
            if (staging != null) {
                try {
                    Files.deleteIfExists(staging);
                } catch (IOException ignored) {
                    // the build failed already; a stray dot-file is the lesser problem
                }
            }
        }
    }

    private static void checkLoader(Path loader) throws JcapException {
        OsvKernelFile kernel = OsvKernels.inspect(loader);
        if (kernel.kind() != OsvKernelKind.LOADER_IMAGE) {
            throw new JcapException(loader + " is an " + kernel.kind().description()
                    + ", not a loader image: a ROFS image starts with OSv's loader.img (osv-loader.qemu)");
        }
        if (kernel.gzipped()) {
            throw new JcapException(loader + " is gzip-compressed: import it with 'jcap kernels import' (which"
                    + " stores it decompressed) or gunzip it first");
        }
    }

    private static void moveIntoPlace(Path staging, Path target) throws IOException {
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(staging, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
