package io.jcap.builder.repository;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jcap.host.FileTrees;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The local image repository: one folder per image holding {@code image.qcow2},
 * {@code image.json} and what the image's kernel family keeps beside
 * them (a Linux image's boot files). Writes are atomic: an image is staged beside the others and renamed into
 * place under a lock, so a failed or interrupted build leaves nothing behind and the previous
 * image of that name stays intact until the new one is complete.
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

    /** The repository's folder. */
    public Path dir() {
        return dir;
    }

    /**
     * The stored image of that name when it was built from exactly these inputs (and its file is
     * there), so that a build can reuse it.
     */
    public Optional<StoredImage> upToDate(String name, Sha256 inputsDigest) throws JcapException {
        return find(name).filter(i -> i.metadata().inputsDigest().equals(inputsDigest) && Files.isRegularFile(i.file()));
    }

    /** A folder for staging a new image; pass it to {@link #commit} or it is removed by {@link #discard}. */
    public Path newStaging() throws IOException {
        Files.createDirectories(dir);
        return Files.createTempDirectory(dir, STAGING_PREFIX);
    }

    /** Removes a staging folder and whatever is in it. */
    public void discard(Path staging) {
        FileTrees.deleteQuietly(staging);
    }

    /**
     * Moves a staged image ({@code staging/image.qcow2}) into place under {@code metadata.name()},
     * replacing any previous image of that name.
     */
    public StoredImage commit(Path staging, ImageMetadata metadata) throws JcapException {
        ImageName.check(metadata.name());
        try (Lock lock = lock()) {
            Files.write(staging.resolve(METADATA_FILE), ImageMetadataJson.toBytes(metadata));
            Path target = dir.resolve(metadata.name());
            Path retired = null;
            if (Files.exists(target)) {
                retired = dir.resolve(RETIRED_PREFIX + metadata.name() + "-" + System.nanoTime());
                move(target, retired);
            }
            move(staging, target);
            if (retired != null) {
                FileTrees.deleteQuietly(retired);
            }
            return new StoredImage(metadata, target.resolve(IMAGE_FILE));
        } catch (IOException e) {
            throw new JcapException("could not store image '" + metadata.name() + "' in " + dir + ": " + e.getMessage(), e);
        }
    }

    public Optional<StoredImage> find(String name) throws JcapException {
        Path folder = dir.resolve(name);
        Path meta = folder.resolve(METADATA_FILE);
        if (!isImageName(name) || !Files.isRegularFile(meta)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new StoredImage(ImageMetadataJson.read(meta), folder.resolve(IMAGE_FILE)));
        } catch (IOException | RuntimeException e) {
            throw new JcapException("image '" + name + "' is corrupt (" + e.getMessage() + "): delete " + folder
                    + " and build it again", e);
        }
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

    /** All images, sorted by name. */
    public List<StoredImage> list() throws JcapException {
        List<StoredImage> result = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return result;
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
            find(name).ifPresent(result::add);
        }
        return result;
    }

    /** Removes an image; false when there was none of that name. */
    public boolean remove(String name) throws JcapException {
        if (find(name).isEmpty()) {
            return false;
        }
        try (Lock lock = lock()) {
            Path retired = dir.resolve(RETIRED_PREFIX + name + "-" + System.nanoTime());
            move(dir.resolve(name), retired);
            FileTrees.deleteQuietly(retired);
            return true;
        } catch (IOException e) {
            throw new JcapException("could not remove image '" + name + "': " + e.getMessage(), e);
        }
    }

    /** Deletes staging and retired folders left by processes that were killed. */
    public void cleanLeftovers() throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Lock lock = lock(); DirectoryStream<Path> entries = Files.newDirectoryStream(dir, ".{staging,retired}-*")) {
            for (Path p : entries) {
                if (Files.getLastModifiedTime(p).toInstant().isBefore(Instant.now().minusSeconds(24 * 3600))) {
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

    /** The repository's write lock, held by one process at a time. */
    private record Lock(FileChannel channel, FileLock lock) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            lock.release();
            channel.close();
        }
    }

    private Lock lock() throws IOException {
        Files.createDirectories(dir);
        FileChannel channel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        return new Lock(channel, channel.lock());
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + from + " to " + to + " atomically", e);
        }
    }
}
