package io.jcap.formats.oci;

import io.jcap.host.SparseWrite;
import io.jcap.model.EventSink;
import io.jcap.model.FileContent;
import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * A container image's file system, built by applying its layers in order the way container
 * runtimes do (the OCI image spec's "applying changesets"): {@code .wh.NAME} deletes NAME of the
 * layers below, {@code .wh..wh..opq} empties its folder of what the layers below put there, hard
 * links (within a layer or to a file of a lower one) become {@link ImageEntry.HardLink}s sharing
 * the file's inode (bytes, mode and owner) as it is when the link is applied,
 * symbolic links stay links and are never followed, owners and setuid/setgid bits are kept, and
 * device nodes, FIFOs and sockets are skipped with a note (the guest's devtmpfs provides devices).
 * Layers may be gzip, zstd or uncompressed tars. A path leaving the tree ({@code ..}, absolute
 * names), a whiteout naming nothing inside it, or a path under a symbolic link is refused.
 *
 * <p>The tree lives in memory; only regular files' bytes are written, one file each, into
 * {@code contentDir} (a jcap temp folder): a layer is one stream, and the files of several layers
 * reach the guest sorted by path, so the bytes must be kept somewhere in between. Ownership is
 * kept in the tree, not on the host, so no privilege is needed.
 *
 * <pre>{@code
 * LayerStack stack = new LayerStack(temp, events);
 * Sha256 diffId = stack.apply(Files.newInputStream(layerBlob), "layer sha256:4f2...");
 * List<ImageEntry> files = stack.entries();
 * }</pre>
 */
public final class LayerStack {
    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";

    /** What a path holds and which layer put it there (whiteouts remove only lower layers' entries). */
    private record Node(ImageEntry entry, int layer) {
    }

    private final Path contentDir;
    private final EventSink events;
    private final TreeMap<String, Node> nodes = new TreeMap<>();
    private int layer;
    private long files;

    public LayerStack(Path contentDir, EventSink events) {
        this.contentDir = contentDir;
        this.events = events;
        nodes.put("", new Node(new ImageEntry.Directory(GuestPath.ROOT, 0755), 0));
    }

    /**
     * Applies one layer, reading {@code in} to its end so that a digest around it sees every byte.
     *
     * @param what names the layer in messages ({@code layer 2 (sha256:4f2...)})
     * @return the SHA-256 of the uncompressed tar: the layer's DiffID in the image config
     * @throws JcapException when an entry is refused or the layer is not a readable tar
     */
    public Sha256 apply(InputStream in, String what) throws JcapException, IOException {
        layer++;
        MessageDigest diffId = Sha256.newDigest();
        try {
            long[] tarBytes = {0};
            InputStream counting = new java.io.FilterInputStream(LayerCompression.decompress(in)) {
                @Override
                public int read() throws IOException {
                    int b = super.read();
                    tarBytes[0] += b >= 0 ? 1 : 0;
                    return b;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = super.read(b, off, len);
                    tarBytes[0] += Math.max(0, n);
                    return n;
                }
            };
            DigestInputStream digesting = new DigestInputStream(counting, diffId);
            TarNames names = new TarNames(digesting);
            TarArchiveInputStream tar = new TarArchiveInputStream(names, StandardCharsets.UTF_8.name());
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                checkUtf8(entry, names.next(), what);
                applyEntry(tar, entry, what);
            }
            // The end-of-archive blocks and padding count for the DiffID; the rest for the blob's digest.
            digesting.transferTo(OutputStream.nullOutputStream());
            in.transferTo(OutputStream.nullOutputStream());
            // A tar is whole 512-byte blocks. The reader takes a stream shorter than one header for an
            // empty archive (a layer cut at 300 bytes, or text); Docker's reader calls it a short read.
            if (tarBytes[0] % 512 != 0) {
                throw new JcapException(what + " is truncated or not a tar layer: " + tarBytes[0] + " bytes, not whole"
                        + " 512-byte tar blocks");
            }
        } catch (IllegalArgumentException e) {
            throw new JcapException(what + " has an entry jcap cannot take: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new JcapException(what + " is truncated or not a tar layer: "
                    + io.jcap.model.FailureReason.of(e), e);
        }
        return Sha256.of(diffId);
    }

    /** The tree so far, the root first, sorted by path. */
    public List<ImageEntry> entries() {
        List<ImageEntry> result = new ArrayList<>();
        nodes.values().forEach(n -> result.add(n.entry()));
        return result;
    }

    private void applyEntry(TarArchiveInputStream tar, TarArchiveEntry entry, String what) throws JcapException, IOException {
        String path = checked(entry.getName(), what);
        if (path.isEmpty() && !entry.isDirectory()) {
            // A root that is a link would send what follows elsewhere; one that is a file would
            // replace every entry before it.
            throw new JcapException(what + " is refused: its entry '" + entry.getName() + "' is the image root, which"
                    + " can only be a folder, not a " + (entry.isSymbolicLink() ? "symbolic link"
                            : entry.isLink() ? "hard link" : entry.isFile() ? "file" : kind(entry)));
        }
        int slash = path.lastIndexOf('/');
        String parent = slash < 0 ? "" : path.substring(0, slash);
        String leaf = path.substring(slash + 1);
        checkParents(parent, path, what);
        if (leaf.equals(OPAQUE)) {
            removeLower(parent, false);
            return;
        }
        if (leaf.startsWith(WHITEOUT)) {
            String name = leaf.substring(WHITEOUT.length());
            if (name.isEmpty() || name.equals(".") || name.equals("..") || name.startsWith(WHITEOUT)) {
                throw new JcapException(what + " is refused: its whiteout '" + path
                        + "' names no file inside the image (a whiteout is .wh.NAME for a NAME in its folder)");
            }
            removeLower(parent.isEmpty() ? name : parent + "/" + name, true);
            return;
        }
        GuestPath guest = GuestPath.of("/" + path);
        ImageEntry.Owner owner = new ImageEntry.Owner(entry.getLongUserId(), entry.getLongGroupId());
        int mode = entry.getMode() & 07777;
        ImageEntry made;
        if (entry.isDirectory()) {
            made = new ImageEntry.Directory(guest, mode, owner);
        } else if (entry.isSymbolicLink()) {
            made = new ImageEntry.Symlink(guest, entry.getLinkName(), owner);
        } else if (entry.isLink()) {
            made = hardLink(guest, linkTarget(entry.getLinkName(), path, what), path, what);
        } else if (entry.getLinkFlag() == TarArchiveEntry.LF_NORMAL || entry.getLinkFlag() == TarArchiveEntry.LF_OLDNORM
                || entry.getLinkFlag() == TarArchiveEntry.LF_CONTIG || entry.isGNUSparse()) {
            made = new ImageEntry.RegularFile(guest, mode, store(tar), owner);
        } else {
            events.info(what + ": skipped " + kind(entry) + " /" + path
                    + " (a VM's devtmpfs provides devices; FIFOs and sockets are made at run time)");
            return;
        }
        put(path, made);
    }

    private ImageEntry hardLink(GuestPath guest, String target, String path, String what) throws JcapException {
        Node to = nodes.get(target);
        if (to == null || to.entry() instanceof ImageEntry.Directory || target.equals(path)) {
            throw new JcapException(what + " is refused: its hard link '" + path + "' points to '" + target + "', which is "
                    + (to == null ? "not in the image (a hard link names a file of this or a lower layer)"
                    : target.equals(path) ? "itself" : "a folder"));
        }
        // The link shares the inode the target holds now, as link(2) does when runtimes apply the layer:
        // a later layer replacing or whiting out the target leaves the link with these bytes, mode and owner.
        java.util.Optional<ImageEntry.RegularFile> file = ImageEntry.inode(to.entry());
        if (file.isPresent()) {
            return new ImageEntry.HardLink(guest, file.get());
        }
        // A link to a symbolic link: a second symbolic link with the same target says the same thing.
        ImageEntry.Symlink s = (ImageEntry.Symlink) to.entry();
        return new ImageEntry.Symlink(guest, s.target(), s.owner());
    }

    private FileContent store(InputStream tar) throws IOException {
        Path file = contentDir.resolve(Long.toString(++files));
        SparseWrite.copy(tar, file);
        return FileContent.of(file);
    }

    private void put(String path, ImageEntry made) {
        Node old = nodes.get(path);
        // A folder over a folder keeps what is inside; anything else replaces the old entry whole.
        if (old != null && !(old.entry() instanceof ImageEntry.Directory && made instanceof ImageEntry.Directory)) {
            removeTree(path, Integer.MAX_VALUE, true);
        }
        nodes.put(path, new Node(made, layer));
        // Layers may leave out a folder above a file; runtimes create it, root-owned, 0755.
        for (int at = path.indexOf('/'); at > 0; at = path.indexOf('/', at + 1)) {
            String ancestor = path.substring(0, at);
            nodes.putIfAbsent(ancestor, new Node(new ImageEntry.Directory(GuestPath.of("/" + ancestor), 0755), layer));
        }
    }

    /** Removes what lower layers put at {@code path} and below it ({@code self}) or only below it. */
    private void removeLower(String path, boolean self) {
        removeTree(path, layer, self);
    }

    private void removeTree(String path, int belowLayer, boolean self) {
        if (self && !path.isEmpty()) {
            Node n = nodes.get(path);
            if (n != null && n.layer() < belowLayer) {
                nodes.remove(path);
            }
        }
        String from = path.isEmpty() ? "" : path + "/";
        String to = path.isEmpty() ? "\uffff" : path + "0"; // '0' follows '/'
        nodes.subMap(from, false, to, false).entrySet().removeIf(e -> e.getValue().layer() < belowLayer);
    }

    private void checkParents(String parent, String path, String what) throws JcapException {
        int at = 0;
        while (!parent.isEmpty() && at >= 0) {
            at = parent.indexOf('/', at + 1);
            String ancestor = at < 0 ? parent : parent.substring(0, at);
            Node n = nodes.get(ancestor);
            if (n != null && !(n.entry() instanceof ImageEntry.Directory)) {
                throw new JcapException(what + " is refused: its entry '" + path + "' is inside /" + ancestor + ", which is "
                        + (n.entry() instanceof ImageEntry.Symlink ? "a symbolic link (never followed when layers are applied)"
                                : "a file"));
            }
        }
    }

    /**
     * Refuses an entry whose name or link name is not UTF-8 in the archive: the reader would hand it
     * over with {@code ?} or U+FFFD for the bytes, so that {@code caf\xE9} and {@code caf\xE8}
     * became one file, or a link named another file. The raw names are taken only when they are
     * the ones the reader decoded (the same after the same replacement).
     */
    private static void checkUtf8(TarArchiveEntry entry, java.util.Optional<TarNames.Raw> raw, String what)
            throws JcapException {
        if (raw.isEmpty()) {
            return;
        }
        byte[] name = raw.get().name();
        if (!TarNames.isUtf8(name) && sameAsRead(name, entry.getName())) {
            throw new JcapException(what + " is refused: the name of its entry '" + TarNames.shown(name) + "' is not"
                    + " UTF-8, and jcap's images name files in UTF-8 only (read otherwise, two such names could"
                    + " become one file): rename it in the image");
        }
        byte[] link = raw.get().link();
        if ((entry.isSymbolicLink() || entry.isLink()) && !TarNames.isUtf8(link)
                && sameAsRead(link, entry.getLinkName())) {
            throw new JcapException(what + " is refused: its " + (entry.isLink() ? "hard" : "symbolic") + " link '"
                    + entry.getName() + "' points to '" + TarNames.shown(link) + "', which is not UTF-8, and jcap's"
                    + " images name files in UTF-8 only: rename it in the image");
        }
    }

    /** Whether {@code read}, as the tar reader gave it, is {@code raw} decoded with a replacement. */
    private static boolean sameAsRead(byte[] raw, String read) {
        String decoded = new String(raw, StandardCharsets.UTF_8);
        String trimmedRead = trimSlashes(read);
        return trimmedRead.equals(trimSlashes(decoded))
                || trimmedRead.equals(trimSlashes(decoded.replace('\uFFFD', '?')));
    }

    private static String trimSlashes(String name) {
        int from = 0;
        int to = name.length();
        while (from < to && name.charAt(from) == '/') {
            from++;
        }
        while (to > from && name.charAt(to - 1) == '/') {
            to--;
        }
        return name.substring(from, to);
    }

    /** The layer path as the tree keys it ({@code etc/passwd}, "" for the root), or a refusal naming it. */
    private static String checked(String name, String what) throws JcapException {
        if (name.equals("./") || name.equals(".")) {
            return "";
        }
        try {
            return LayerPaths.check(name);
        } catch (IllegalArgumentException e) {
            throw new JcapException(what + " is refused: " + e.getMessage());
        }
    }

    /** A hard link's target as the tree keys it: a path inside the layers, as runtimes resolve it from the root. */
    private static String linkTarget(String name, String path, String what) throws JcapException {
        try {
            return LayerPaths.check(name);
        } catch (IllegalArgumentException e) {
            throw new JcapException(what + " is refused: its hard link '" + path + "' points to '" + name
                    + "', which is outside the layer: " + e.getMessage());
        }
    }

    private static String kind(TarArchiveEntry e) {
        if (e.isCharacterDevice() || e.isBlockDevice()) {
            return "device node";
        }
        return e.isFIFO() ? "FIFO" : "special entry (type '" + (char) e.getLinkFlag() + "')";
    }
}
