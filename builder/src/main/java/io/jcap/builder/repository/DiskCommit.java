package io.jcap.builder.repository;

import io.jcap.formats.DiskFormat;
import io.jcap.host.FileDigests;
import io.jcap.host.TempFiles;
import io.jcap.hypervisor.qemu.QemuImg;
import io.jcap.hypervisor.qemu.QemuInstallation;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The last step of every build, whatever the kernel family: compress a filled raw disk into a
 * qcow2 image in a staging folder of the repository (with any {@link Extras} of the family) and
 * commit it under its metadata, atomically; the staging folder is gone on every path that does not
 * commit.
 */
public final class DiskCommit {
    /** Writes files that belong with the image into its staging folder, beside the disk. */
    @FunctionalInterface
    public interface Extras {
        Extras NONE = staging -> { };

        void write(Path staging) throws IOException;
    }

    private static final long SECTOR = 512;

    private DiskCommit() {
    }

    /** As the other {@code commit}, with no extras. */
    public static ImageRepository.StoredImage commit(ImageRepository repository, QemuInstallation qemu, Path disk,
            EventSink events, ImageMetadata.Builder metadata) throws JcapException {
        return commit(repository, qemu, disk, events, Extras.NONE, metadata);
    }

    /**
     * Compresses {@code disk} and stores it with {@code metadata}, completed with the stored file's
     * sizes and digest.
     */
    public static ImageRepository.StoredImage commit(ImageRepository repository, QemuInstallation qemu, Path disk,
            EventSink events, Extras extras, ImageMetadata.Builder metadata) throws JcapException {
        // The virtual size is the raw disk's, in whole sectors as QEMU sees it: no qemu-img info needed.
        long virtualSize;
        try {
            virtualSize = (Files.size(disk) + SECTOR - 1) / SECTOR * SECTOR;
        } catch (IOException e) {
            throw storeFailure(repository, e);
        }
        return store(repository, virtualSize, extras, metadata, image -> {
            events.info("Compressing the disk into a qcow2 image");
            try {
                new QemuImg(qemu.qemuImg()).convert(disk, DiskFormat.RAW, image, DiskFormat.QCOW2, true);
            } catch (JcapException e) {
                throw storeFailure(repository, e);
            }
        });
    }

    /**
     * Stores {@code qcow2}, a finished qcow2 disk of {@code virtualSize} bytes without a backing
     * file (an incremental build's: the previous image with the changes committed into it), by
     * moving it into the repository; it must be on the repository's file system to move cheaply.
     */
    public static ImageRepository.StoredImage commitQcow2(ImageRepository repository, Path qcow2, long virtualSize,
            Extras extras, ImageMetadata.Builder metadata) throws JcapException {
        return store(repository, virtualSize, extras, metadata, image -> {
            try {
                Files.move(qcow2, image);
            } catch (IOException e) {
                throw storeFailure(repository, e);
            }
        });
    }

    @FunctionalInterface
    private interface DiskWriter {
        void write(Path image) throws JcapException;
    }

    private static ImageRepository.StoredImage store(ImageRepository repository, long virtualSize, Extras extras,
            ImageMetadata.Builder metadata, DiskWriter writer) throws JcapException {
        Path staging = null;
        try {
            staging = TempFiles.register(repository.newStaging());
            Path image = staging.resolve(ImageRepository.IMAGE_FILE);
            writer.write(image);
            extras.write(staging);
            ImageRepository.StoredImage stored = repository.commit(staging,
                    metadata.disk(virtualSize, Files.size(image), FileDigests.sha256(image)).build());
            TempFiles.forget(staging);
            staging = null;
            return stored;
        } catch (IOException e) {
            throw storeFailure(repository, e);
        } finally {
            TempFiles.delete(staging);
        }
    }

    private static JcapException storeFailure(ImageRepository repository, Exception e) {
        boolean full = String.valueOf(e.getMessage()).contains("No space left on device");
        return new JcapException("could not store the image in " + repository.dir() + ": " + e.getMessage()
                + (full ? " (its disk is full: free some space and build again; the previous image is untouched)" : ""), e);
    }
}
