package io.jcap.builder.compose;

import io.jcap.model.FailureReason;
import io.jcap.model.FileContent;
import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import io.jcap.model.ImageTree;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a built disk holds, entry by entry (type, mode, owner, size and a SHA-256 of each file's
 * bytes or link's target), with the facts its file system was made for ({@code disk}: size, file
 * system, kernel, ...). Stored beside the image ({@link #FILE}), it lets the next build of that
 * image stream only what changed onto a copy of this disk ({@link TreeDelta}); a build whose
 * {@code disk} facts differ starts from an empty disk.
 *
 * <pre>{@code
 * TreeManifest now = TreeManifest.of(tree, Map.of("disk", "105906176", "fs", "ext4"));
 * TreeDelta delta = TreeDelta.between(TreeManifest.read(folder.resolve(TreeManifest.FILE)), now, tree);
 * }</pre>
 *
 * @param disk what the disk was made for, by name; compared whole between two builds
 * @param entries each entry's fingerprint by path
 */
public record TreeManifest(SortedMap<String, String> disk, SortedMap<GuestPath, Fingerprint> entries) {
    /** The file beside a stored image. */
    public static final String FILE = "image.tree";
    private static final String HEADER = "jcap-image-tree 1";

    public TreeManifest {
        for (Map.Entry<String, String> fact : disk.entrySet()) {
            if (!fact.getKey().matches("[a-z][a-z0-9_-]*") || fact.getValue().isEmpty()
                    || fact.getValue().chars().anyMatch(c -> c <= ' ')) {
                throw new IllegalArgumentException("disk fact '" + fact.getKey() + "=" + fact.getValue()
                        + "' is not a lower-case name and a value without spaces");
            }
        }
        disk = Collections.unmodifiableSortedMap(new TreeMap<>(disk));
        entries = Collections.unmodifiableSortedMap(new TreeMap<>(entries));
    }

    /**
     * One entry as the disk holds it; two equal fingerprints need nothing streamed.
     *
     * @param type {@code d} folder, {@code f} regular file, {@code l} symbolic link, {@code h} a further
     *     name of a hard-linked file
     * @param digest the SHA-256 of a file's bytes or a link's target; {@code -} for a folder
     */
    public record Fingerprint(char type, int mode, long uid, long gid, long size, String digest) {
        public Fingerprint {
            if ("dflh".indexOf(type) < 0) {
                throw new IllegalArgumentException("entry type '" + type + "' is not d, f, l or h");
            }
        }

        // equals and hashCode are written out (the same as the record's own) because a record's are
        // linked through ObjectMethods at their first call, 1-10 ms of every command's start
        // (docs/benchmarks-mini.md).
        @Override
        public boolean equals(Object o) {
            return o instanceof Fingerprint other && type == other.type && mode == other.mode && uid == other.uid
                    && gid == other.gid && size == other.size && java.util.Objects.equals(digest, other.digest);
        }

        @Override
        public int hashCode() {
            int h = Character.hashCode(type);
            h = 31 * h + Integer.hashCode(mode);
            h = 31 * h + Long.hashCode(uid);
            h = 31 * h + Long.hashCode(gid);
            h = 31 * h + Long.hashCode(size);
            return 31 * h + java.util.Objects.hashCode(digest);
        }

        static Fingerprint of(ImageEntry entry, Map<GuestPath, Sha256> known) throws IOException {
            ImageEntry.Owner owner = entry.owner();
            if (entry instanceof ImageEntry.RegularFile f) {
                Sha256 sum = known.get(f.path());
                return new Fingerprint('f', f.mode(), owner.uid(), owner.gid(), f.content().size(),
                        sum != null ? sum.hex() : digest(f.content()));
            }
            if (entry instanceof ImageEntry.HardLink h) {
                Sha256 sum = known.get(h.path());
                return new Fingerprint('h', h.file().mode(), owner.uid(), owner.gid(), h.file().content().size(),
                        sum != null ? sum.hex() : digest(h.file().content()));
            }
            if (entry instanceof ImageEntry.Symlink l) {
                byte[] target = l.target().getBytes(StandardCharsets.UTF_8);
                return new Fingerprint('l', l.mode(), owner.uid(), owner.gid(), target.length, Sha256.of(target).hex());
            }
            return new Fingerprint('d', entry.mode(), owner.uid(), owner.gid(), 0, "-");
        }

        private static String digest(FileContent content) throws IOException {
            if (content instanceof FileContent.Bytes b) {
                return Sha256.of(b.bytes()).hex();
            }
            MessageDigest digest = Sha256.newDigest();
            byte[] buffer = new byte[1 << 16];
            try (InputStream in = content.open()) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    digest.update(buffer, 0, n);
                }
            }
            return Sha256.of(digest).hex();
        }
    }

    /** The manifest of {@code tree} on a disk made for {@code disk}; reads every file's bytes. */
    public static TreeManifest of(ImageTree tree, Map<String, String> disk) throws JcapException {
        return of(tree, disk, Map.of());
    }

    /**
     * The same, with the files' SHA-256 already known by path ({@link ImageComposer#digests}); a
     * file missing from {@code fileDigests} is read.
     */
    public static TreeManifest of(ImageTree tree, Map<String, String> disk, Map<GuestPath, Sha256> fileDigests)
            throws JcapException {
        SortedMap<GuestPath, Fingerprint> entries = new TreeMap<>();
        for (ImageEntry e : tree.entries()) {
            try {
                entries.put(e.path(), Fingerprint.of(e, fileDigests));
            } catch (IOException ex) {
                throw new JcapException("could not read " + e.path() + " of the image: " + FailureReason.withFile(ex), ex);
            }
        }
        return new TreeManifest(new TreeMap<>(disk), entries);
    }

    /** Writes the manifest as text: a header, one {@code disk NAME VALUE} line a fact, one line an entry. */
    public void write(Path file) throws IOException {
        List<String> lines = new ArrayList<>(List.of(HEADER));
        disk.forEach((name, value) -> lines.add("disk " + name + " " + value));
        entries.forEach((path, f) -> lines.add(f.type() + " " + Integer.toOctalString(f.mode()) + " " + f.uid() + " "
                + f.gid() + " " + f.size() + " " + f.digest() + " " + path.value()));
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }

    /**
     * Reads a manifest {@link #write} wrote.
     *
     * @throws IOException when the file cannot be read or is not such a manifest (the message says
     *     which line)
     */
    public static TreeManifest read(Path file) throws IOException {
        // Lines end at '\n' only: a guest path may hold a carriage return (readAllLines would
        // end a line there too, and the path after it would be lost), never a line feed.
        List<String> lines = new ArrayList<>(List.of(Files.readString(file, StandardCharsets.UTF_8).split("\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
            throw new IOException(file + " does not start with '" + HEADER + "'");
        }
        SortedMap<String, String> disk = new TreeMap<>();
        SortedMap<GuestPath, Fingerprint> entries = new TreeMap<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            try {
                if (line.startsWith("disk ")) {
                    String[] f = line.split(" ", 3);
                    disk.put(f[1], f[2]);
                    continue;
                }
                String[] f = line.split(" ", 7);
                if (f.length != 7 || f[0].length() != 1) {
                    throw new IllegalArgumentException("expected TYPE MODE UID GID SIZE DIGEST PATH");
                }
                entries.put(GuestPath.of(f[6]), new Fingerprint(f[0].charAt(0), Integer.parseInt(f[1], 8),
                        Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]), f[5]));
            } catch (RuntimeException e) {
                throw new IOException(file + " line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return new TreeManifest(disk, entries);
    }
}
