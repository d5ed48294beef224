package io.jcap.builder.repository;

import io.jcap.formats.DiskFormat;
import io.jcap.host.Durable;
import io.jcap.host.FileDigests;
import io.jcap.host.FileTrees;
import io.jcap.host.TempFiles;
import io.jcap.hypervisor.qemu.QemuImg;
import io.jcap.hypervisor.qemu.QemuInstallation;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

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
    /** Minutes for an image of many GB; anything slower is stuck. */
    private static final Duration DIGEST_TIMEOUT = Duration.ofMinutes(30);

    private DiskCommit() {
    }

    /** As the other {@code commit}, with no extras. */
    public static ImageRepository.StoredImage commit(ImageRepository repository, QemuInstallation qemu, Path disk,
            EventSink events, ImageMetadata.Builder metadata) throws JcapException {
        return commit(repository, qemu, disk, events, Extras.NONE, metadata);
    }

    /**
     * Compresses {@code disk} and stores it with {@code metadata}, completed with the stored file's
     * sizes and digest. {@code disk}, the build's scratch, is deleted once compressed, whether the
     * commit succeeds or not.
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
        return store(repository, virtualSize, extras, metadata, Optional.of(disk), image -> {
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
        return store(repository, virtualSize, extras, metadata, Optional.empty(), image -> {
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

    /** @param consumed the raw disk the writer read, deleted once it has (beside the rest) */
    private static ImageRepository.StoredImage store(ImageRepository repository, long virtualSize, Extras extras,
            ImageMetadata.Builder metadata, Optional<Path> consumed, DiskWriter writer) throws JcapException {
        Path staging = null;
        CompletableFuture<Void> dropped = CompletableFuture.completedFuture(null);
        try {
            staging = TempFiles.register(repository.newStaging());
            Path image = staging.resolve(ImageRepository.IMAGE_FILE);
            writer.write(image);
            // The build's raw disk (hundreds of MB) is no longer needed: it goes on the other core.
            if (consumed.isPresent()) {
                dropped = CompletableFuture.runAsync(() -> FileTrees.deleteQuietly(consumed.get()));
            }
            // The image's digest (a host tool on the other core), its flush to disk and the extras
            // run side by side: about 0.1 s less for a 100 MB image than one after the other.
            FileDigests.Running digest = FileDigests.start(FileDigests.Algorithm.SHA256, staging,
                    List.of(ImageRepository.IMAGE_FILE));
            CompletableFuture<Void> flushed = CompletableFuture.runAsync(() -> {
                try {
                    Durable.syncFile(image);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            try {
                extras.write(staging);
                awaitFlush(flushed);
            } catch (IOException | RuntimeException e) {
                digest.stop();
                flushed.exceptionally(x -> null).join();
                throw e;
            }
            Sha256 sha256 = new Sha256(digest.await(DIGEST_TIMEOUT).get(ImageRepository.IMAGE_FILE));
            ImageRepository.StoredImage stored = repository.commit(staging,
                    metadata.disk(virtualSize, Files.size(image), sha256).build());
            TempFiles.forget(staging);
            staging = null;
            return stored;
        } catch (IOException e) {
            throw storeFailure(repository, e);
        } finally {
            TempFiles.delete(staging);
            dropped.join();
        }
    }

    /** Waits for the image's flush; its failure is the store's. */
    private static void awaitFlush(CompletableFuture<Void> flushed) throws IOException {
        try {
            flushed.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            throw e;
        }
    }

    private static JcapException storeFailure(ImageRepository repository, Exception e) {
        boolean full = String.valueOf(e.getMessage()).contains("No space left on device");
        return new JcapException("could not store the image in " + repository.dir() + ": " + e.getMessage()
                + (full ? " (its disk is full: free some space and build again; the previous image is untouched)" : ""), e);
    }
}
