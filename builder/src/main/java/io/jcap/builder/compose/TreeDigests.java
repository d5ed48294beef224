package io.jcap.builder.compose;

import io.jcap.host.DigestCache;
import io.jcap.model.FailureReason;
import io.jcap.model.FileContent;
import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import io.jcap.model.ImageTree;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What decides the files of a built image, as digests: the tree digest covers every entry in
 * stream order (its kind, name, mode, owner, size, content SHA-256 or link target, and the
 * first name a hard link shares its file with) and the time every entry is stamped with; that
 * is everything the cpio stream into the builder guest is made of, so equal tree digests give
 * equal streams. Host files' SHA-256 come from a {@link DigestCache}: an unchanged rebuild reads
 * only the files whose identity changed (a kernel of 14 MB is not read again), where hashing the
 * stream itself would read them all.
 *
 * @param tree the tree digest
 * @param files each regular file's SHA-256 by path, hard-linked names included (for {@link TreeManifest})
 */
public record TreeDigests(Sha256 tree, Map<GuestPath, Sha256> files) {
    /** The digest cache of the files images are built from, in jcap's cache folder. */
    private static final String CACHE_FILE = "file-digests";
    /** Changes whenever what goes into the tree digest, or how, changes. */
    private static final String VERSION = "jcap-tree-1";

    public TreeDigests {
        files = Map.copyOf(files);
    }

    /** The digests of {@code tree} with every entry stamped {@code fileTime} (seconds since 1970). */
    public static TreeDigests of(ImageTree tree, long fileTime, DigestCache cache) throws JcapException {
        Map<ImageEntry.RegularFile, Sha256> contents = new HashMap<>();
        Map<GuestPath, Sha256> files = new HashMap<>();
        for (ImageEntry entry : tree.entries()) {
            ImageEntry.RegularFile file = ImageEntry.inode(entry).orElse(null);
            if (file != null) {
                Sha256 sum = contents.get(file);
                if (sum == null) {
                    sum = content(file, cache);
                    contents.put(file, sum);
                }
                files.put(entry.path(), sum);
            }
        }
        MessageDigest digest = Sha256.newDigest();
        digest.update((VERSION + " " + fileTime + "\n").getBytes(StandardCharsets.UTF_8));
        for (ImageEntry entry : tree.entries()) {
            TreeManifest.Fingerprint f;
            try {
                f = TreeManifest.Fingerprint.of(entry, files);
            } catch (IOException e) {
                throw new JcapException("could not read " + entry.path() + " of the image: " + FailureReason.withFile(e), e);
            }
            StringBuilder line = new StringBuilder().append(f.type()).append(' ').append(Integer.toOctalString(f.mode()))
                    .append(' ').append(f.uid()).append(' ').append(f.gid()).append(' ').append(f.size()).append(' ')
                    .append(f.digest());
            field(line, entry.path().value());
            if (entry instanceof ImageEntry.HardLink h) {
                field(line, h.file().path().value());
            }
            digest.update(line.append('\n').toString().getBytes(StandardCharsets.UTF_8));
        }
        return new TreeDigests(Sha256.of(digest), files);
    }

    /** The {@link DigestCache} of the files images are built from, kept in jcap's cache folder {@code cacheFolder}. */
    public static DigestCache fileCache(Path cacheFolder) {
        return DigestCache.at(cacheFolder.resolve(CACHE_FILE));
    }

    /**
     * Refuses to store an image when a file changed between its digest and the stream that read
     * it again: the image would hold other bytes than its inputs digest records, and the next
     * build, finding the files as digested, would call it up to date.
     */
    public static void refuseChanged(DigestCache fileDigests) throws JcapException {
        List<Path> changed = fileDigests.changedSinceAnswered();
        if (!changed.isEmpty()) {
            throw new JcapException(changed.get(0) + (changed.size() > 1 ? " and " + (changed.size() - 1)
                    + " other file" + (changed.size() > 2 ? "s" : "") : "") + " changed while the image was being built,"
                    + " so the image was not stored (it could hold other bytes than its digest records): build again"
                    + " once the files no longer change");
        }
    }

    /** A name, prefixed by its length: no name can pass for two. */
    private static void field(StringBuilder line, String value) {
        line.append(' ').append(value.getBytes(StandardCharsets.UTF_8).length).append(':').append(value);
    }

    private static Sha256 content(ImageEntry.RegularFile file, DigestCache cache) throws JcapException {
        if (file.content() instanceof FileContent.Bytes b) {
            return Sha256.of(b.bytes());
        }
        FileContent.HostFile host = (FileContent.HostFile) file.content();
        try {
            if (host.identity() != null) {
                // Read where the file was found: a change since then is the cache's to name
                // (DigestCache.changedSinceAnswered, asked once the build has read the file again).
                return cache.sha256(host.path(), host.identity());
            }
            Sha256 sum = cache.sha256(host.path());
            long size = Files.size(host.path());
            if (size != host.size()) {
                throw new JcapException("the file for " + file.path() + " (" + host.path() + ") changed size while the"
                        + " image was being built (" + host.size() + " bytes, now " + size + "): build again");
            }
            return sum;
        } catch (IOException e) {
            throw new JcapException("could not read the file for " + file.path() + " (" + host.path() + "): "
                    + FailureReason.ofFile(e), e);
        }
    }
}
