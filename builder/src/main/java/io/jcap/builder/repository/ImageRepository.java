package io.jcap.builder.repository;

import io.jcap.host.Durable;
import io.jcap.host.FileTrees;
import io.jcap.host.FolderLock;
import io.jcap.host.TempFiles;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The local image repository: one folder per image holding {@code image.qcow2},
 * {@code image.json} and what the image's kernel family keeps beside
 * them (a Linux image's boot files). Writes are atomic and durable: an image is staged beside the
 * others, flushed to the disk, and renamed into place under a lock, so a failed, interrupted or
 * killed build leaves nothing behind (its staging folder is swept once its process is gone) and the
 * previous image of that name stays intact until the new one is complete. A folder whose record
 * cannot be read, or whose disk is missing or not the size recorded, is a {@link BrokenImage}:
 * listed apart, never used, removable like any image.
 *
 * <pre>{@code
 * ImageRepository repo = new ImageRepository(home.images());
 * Optional<StoredImage> hello = repo.find("hello");
 * }</pre>
 */
public final class ImageRepository {
    public static final String IMAGE_FILE = "image.qcow2";
    static final String METADATA_FILE = "image.json";
    private static final String STAGING_PREFIX = ".staging-";
    private static final String RETIRED_PREFIX = ".retired-";

    private final Path dir;

    public ImageRepository(Path dir) {
        this.dir = dir;
    }

    /** An image in the repository; files a kernel family keeps beside the disk are in {@link #folder()}. */
    public record StoredImage(ImageMetadata metadata, Path file) {
        /** The image's folder: the disk, its {@code image.json} and whatever else its family stored. */
        public Path folder() {
            return file.getParent();
        }
    }

    /** An image folder that cannot be used, and why; {@link #remove} removes it. */
    public record BrokenImage(String name, Path folder, String problem) {
    }

    /** What the repository holds: the usable images and the broken ones, each sorted by name. */
    public record Listing(List<StoredImage> images, List<BrokenImage> broken) {
        public Listing {
            images = List.copyOf(images);
            broken = List.copyOf(broken);
        }
    }

    /** The repository's folder. */
    public Path dir() {
        return dir;
    }

    /**
     * The stored image of that name when it was built here from exactly these inputs, so that a
     * build can reuse it. A broken image of that name is not reused: the build replaces it. Nor is
     * a pulled one ({@link #pulled}): its record, inputs digest included, is the registry's word.
     */
    public Optional<StoredImage> upToDate(String name, Sha256 inputsDigest) {
        return inspect(name) instanceof StoredImage image && !pulled(image)
                && image.metadata().inputsDigest().equals(inputsDigest) ? Optional.of(image) : Optional.empty();
    }

    /**
     * Whether {@code image} came from a registry ({@code jcap pull}, {@code jcap run REF}): its disk,
     * file list and record are what the registry sent, so a local build never starts from it
     * or counts it as its own.
     */
    public static boolean pulled(StoredImage image) {
        return Files.exists(image.folder().resolve(ImageOrigin.FILE), LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * The usable image of that name, if any; a broken one counts as none, as for {@link #upToDate}
     * (a build replaces it), where {@link #find} refuses it.
     */
    public Optional<StoredImage> usable(String name) {
        return inspect(name) instanceof StoredImage image ? Optional.of(image) : Optional.empty();
    }

    /**
     * A folder for staging a new image, locked by this process while it lives (a killed build's
     * staging folder is swept by the next build); pass it to {@link #commit} or {@link #discard} it.
     */
    public Path newStaging() throws IOException {
        return TempFiles.create(dir, STAGING_PREFIX);
    }

    /** Removes a staging folder and whatever is in it. */
    public void discard(Path staging) {
        TempFiles.delete(staging);
    }

    /**
     * Takes the build lock of image {@code name} for this process, or says which process holds it:
     * two builds of one image at once would each boot a builder VM and race to replace the image.
     */
    public BuildLock lockForBuild(String name) throws JcapException {
        try {
            ImageName.check(name);
        } catch (IllegalArgumentException e) {
            throw new JcapException(e.getMessage(), e);
        }
        return BuildLock.take(this, dir, name);
    }

    /**
     * Moves a staged image ({@code staging/image.qcow2}) into place under {@code metadata.name()},
     * replacing any previous image of that name. Everything is on the disk before the rename.
     */
    public StoredImage commit(Path staging, ImageMetadata metadata) throws JcapException {
        ImageName.check(metadata.name());
        try (FolderLock lock = lock()) {
            removeLeftovers();
            Files.write(staging.resolve(METADATA_FILE), ImageMetadataJson.toBytes(metadata));
            Durable.syncTree(staging);
            Path target = dir.resolve(metadata.name());
            Path retired = null;
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                retired = dir.resolve(RETIRED_PREFIX + metadata.name() + "-" + System.nanoTime());
                move(target, retired);
            }
            move(staging, target);
            Durable.syncFolder(dir);
            TempFiles.forget(staging);
            if (retired != null) {
                FileTrees.deleteQuietly(retired);
            }
            return new StoredImage(metadata, target.resolve(IMAGE_FILE));
        } catch (IOException e) {
            throw new JcapException("could not store image '" + metadata.name() + "' in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * The usable image of that name, if any.
     *
     * @throws JcapException when the folder of that name is broken (saying why and how to remove it)
     */
    public Optional<StoredImage> find(String name) throws JcapException {
        Object entry = inspect(name);
        if (entry instanceof BrokenImage broken) {
            throw new JcapException("image '" + name + "' is broken: " + broken.problem() + "; remove it with jcap rmi "
                    + name + " and build it again");
        }
        return Optional.ofNullable((StoredImage) entry);
    }

    /** The image of that name, or an error listing what exists. */
    public StoredImage get(String name) throws JcapException {
        Optional<StoredImage> image = find(name);
        if (image.isEmpty()) {
            List<String> names = list().stream().map(i -> i.metadata().name()).toList();
            throw new JcapException("no image named '" + name + "' (" + (names.isEmpty()
                    ? "the repository is empty: build one with jcap build" : "images: " + String.join(", ", names)) + ")");
        }
        return image.get();
    }

    /** All usable images, sorted by name; broken ones are left out (see {@link #listing}). */
    public List<StoredImage> list() throws JcapException {
        return listing().images();
    }

    /** The usable images and the broken ones, each sorted by name. */
    public Listing listing() throws JcapException {
        List<StoredImage> images = new ArrayList<>();
        List<BrokenImage> broken = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return new Listing(images, broken);
        }
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                names.add(p.getFileName().toString());
            }
        } catch (IOException e) {
            throw new JcapException("could not list images in " + dir + ": " + e.getMessage(), e);
        }
        names.sort(null);
        for (String name : names) {
            Object entry = inspect(name);
            if (entry instanceof StoredImage image) {
                images.add(image);
            } else if (entry instanceof BrokenImage b) {
                broken.add(b);
            }
        }
        return new Listing(images, broken);
    }

    /** Removes an image, usable or broken; false when there was none of that name. */
    public boolean remove(String name) throws JcapException {
        if (!isImageName(name)) {
            return false;
        }
        if (!Files.isDirectory(dir.resolve(name), LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(dir.resolve(name))) {
            // No image, but perhaps the lock file of a build of it that was killed.
            if (Files.exists(BuildLock.file(dir, name), LinkOption.NOFOLLOW_LINKS)) {
                try (FolderLock lock = lock()) {
                    BuildLock.removeIfFree(dir, name);
                } catch (IOException e) {
                    // Only a leftover file; the next build of the name works with it all the same.
                }
            }
            return false;
        }
        try (FolderLock lock = lock()) {
            Path retired = dir.resolve(RETIRED_PREFIX + name + "-" + System.nanoTime());
            move(dir.resolve(name), retired);
            Durable.syncFolder(dir);
            FileTrees.deleteQuietly(retired);
            BuildLock.removeIfFree(dir, name);
            return true;
        } catch (IOException e) {
            throw new JcapException("could not remove image '" + name + "': " + io.jcap.model.FailureReason.withFile(e), e);
        }
    }

    /**
     * A {@link StoredImage}, a {@link BrokenImage}, or null when {@code name} is no image's folder.
     * Cheap enough for every listing: the record is parsed and the disk's size compared with the
     * size recorded (a truncated copy shows there); the disk's digest is not computed.
     */
    private Object inspect(String name) {
        Object first = inspectOnce(name);
        if (first instanceof StoredImage || !isImageName(name)) {
            return first;
        }
        // A commit swaps an image's folder in two renames, which a reader could meet half-way:
        // the new record with the old disk reads as broken, and between the renames there is no
        // folder. What looks broken or missing is looked at again under the repository's lock,
        // which every commit holds. (No caller holds that lock while it inspects.)
        try (FolderLock lock = FolderLock.acquire(dir, false)) {
            return inspectOnce(name);
        } catch (IOException | RuntimeException e) {
            return first; // a lock this JVM cannot take here (java.nio's overlapping lock) leaves the first look
        }
    }

    private Object inspectOnce(String name) {
        Path folder = dir.resolve(name);
        if (!isImageName(name)) {
            return null;
        }
        if (Files.isSymbolicLink(folder)) {
            // Never followed (what it leads to is not the repository's), but not hidden either.
            return new BrokenImage(name, folder, folder + " is a symbolic link" + linkTarget(folder) + ", not a folder:"
                    + " jcap follows no link in its image store; move the image's folder here instead");
        }
        if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        Path meta = folder.resolve(METADATA_FILE);
        if (!Files.isRegularFile(meta, LinkOption.NOFOLLOW_LINKS)) {
            return new BrokenImage(name, folder, meta + " is missing");
        }
        ImageMetadata metadata;
        try {
            metadata = ImageMetadataJson.read(meta);
        } catch (IOException | RuntimeException e) {
            return new BrokenImage(name, folder, meta + " cannot be read (" + firstLine(e.getMessage()) + ")");
        }
        if (!metadata.name().equals(name)) {
            // Listed under one name and found under another, otherwise.
            return new BrokenImage(name, folder, meta + " names image '" + metadata.name() + "', not '" + name
                    + "' (a folder renamed or copied by hand)");
        }
        Path file = folder.resolve(IMAGE_FILE);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return new BrokenImage(name, folder, file + " is missing");
        }
        try {
            long size = Files.size(file);
            if (size != metadata.diskSize()) {
                return new BrokenImage(name, folder, file + " is " + size + " bytes, not the " + metadata.diskSize()
                        + " recorded when it was built (truncated or altered)");
            }
        } catch (IOException e) {
            return new BrokenImage(name, folder, file + " cannot be read (" + e.getMessage() + ")");
        }
        return new StoredImage(metadata, file);
    }

    private static String linkTarget(Path link) {
        try {
            return " (to " + Files.readSymbolicLink(link) + ")";
        } catch (IOException e) {
            return "";
        }
    }

    private static String firstLine(String message) {
        String text = message == null ? "unreadable" : message.strip();
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    /**
     * Removes, under the lock, what killed processes left: retired folders (a commit or removal
     * cut short), staging folders without a lock file (from jcap versions before staging
     * folders were locked) an hour old, and build lock files no build holds (of a build killed
     * before it could delete its own, or from jcap versions that kept them). Locked staging
     * folders are swept by {@link TempFiles}.
     */
    private void removeLeftovers() throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, BuildLock.GLOB)) {
            for (Path p : entries) {
                BuildLock.removeIfFree(p);
            }
        }
        Instant hourAgo = Instant.now().minusSeconds(3600);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, ".{staging,retired}-*")) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                boolean lockless = name.startsWith(STAGING_PREFIX) && !name.endsWith(TempFiles.LOCK_SUFFIX)
                        && !Files.exists(p.resolveSibling(name + TempFiles.LOCK_SUFFIX))
                        && Files.getLastModifiedTime(p).toInstant().isBefore(hourAgo);
                if (name.startsWith(RETIRED_PREFIX) || lockless) {
                    FileTrees.deleteQuietly(p);
                }
            }
        }
    }

    private static boolean isImageName(String name) {
        try {
            ImageName.check(name);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Takes the repository's write lock ({@code .lock}), waiting for other processes and threads. */
    FolderLock lock() throws IOException {
        return FolderLock.acquire(dir, true);
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + from + " to " + to + " atomically", e);
        }
    }
}
