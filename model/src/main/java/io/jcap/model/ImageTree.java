package io.jcap.model;

import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry.RegularFile;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The files of an image, sorted by guest path, every parent folder present explicitly. Adding an
 * entry at a path that already holds one replaces it (later sources win, as when a package
 * file's {@code files} override its {@code rootfs}); a file cannot replace a folder that has
 * children, nor can anything be placed under a file or a symbolic link.
 *
 * <pre>{@code
 * ImageTree tree = new ImageTree();
 * tree.add(new ImageEntry.RegularFile(GuestPath.of("/app/hello"), 0755, FileContent.of(path)));
 * List<ImageEntry> entries = tree.entries(); // "/", "/app", "/app/hello"
 * }</pre>
 */
public final class ImageTree {
    /** Mode of folders created implicitly as parents. */
    public static final int DEFAULT_DIR_MODE = 0755;

    private final Map<GuestPath, ImageEntry> entries = new TreeMap<>();

    public ImageTree() {
        entries.put(GuestPath.ROOT, new ImageEntry.Directory(GuestPath.ROOT, DEFAULT_DIR_MODE));
    }

    public ImageTree add(ImageEntry entry) {
        GuestPath path = entry.path();
        // Up from the parent to the first folder present: every folder above one present is present
        // too, so an entry whose parent is already there (a tree walked from the top) costs one
        // look-up, not one per level (a deep tree's walk cost depth^3 that way).
        List<GuestPath> missing = new ArrayList<>();
        for (GuestPath ancestor = path.parent(); ; ancestor = ancestor.parent()) {
            ImageEntry existing = entries.get(ancestor);
            if (existing instanceof ImageEntry.Directory) {
                break;
            }
            if (existing != null) {
                throw new IllegalArgumentException("cannot place " + path + " inside " + ancestor
                        + ", which is " + kind(existing) + ", not a folder");
            }
            missing.add(ancestor);
            if (ancestor.isRoot()) {
                break;
            }
        }
        missing.forEach(folder -> entries.put(folder, new ImageEntry.Directory(folder, DEFAULT_DIR_MODE)));
        ImageEntry existing = entries.get(path);
        if (existing instanceof ImageEntry.Directory && !(entry instanceof ImageEntry.Directory)
                && hasChildren(path)) {
            throw new IllegalArgumentException("cannot replace folder " + path + " (which has files in it) with "
                    + kind(entry));
        }
        entries.put(path, entry);
        return this;
    }

    public boolean contains(GuestPath path) {
        return entries.containsKey(path);
    }

    public ImageEntry get(GuestPath path) {
        return entries.get(path);
    }

    /**
     * The entry at {@code path} with symbolic links followed inside the tree, as the guest's kernel
     * would (relative targets from the link's folder, absolute ones from the image root, at most
     * 40 links); empty when the path leads nowhere. Merged-/usr images ({@code /bin -> usr/bin})
     * need it to find {@code /bin/sh}.
     */
    public java.util.Optional<ImageEntry> resolve(GuestPath path) {
        java.util.Deque<String> pending = new java.util.ArrayDeque<>(parts(path.value()));
        GuestPath at = GuestPath.ROOT;
        int links = 0;
        while (!pending.isEmpty()) {
            String name = pending.removeFirst();
            if (name.equals("..")) {
                at = at.parent();
                continue;
            }
            GuestPath next = at.resolve(name);
            ImageEntry e = entries.get(next);
            if (e instanceof ImageEntry.Symlink link) {
                if (++links > 40) {
                    return java.util.Optional.empty();
                }
                List<String> target = parts(link.target());
                for (int i = target.size() - 1; i >= 0; i--) {
                    pending.addFirst(target.get(i));
                }
                if (link.target().startsWith("/")) {
                    at = GuestPath.ROOT;
                }
                continue;
            }
            if (e == null || (!pending.isEmpty() && !(e instanceof ImageEntry.Directory))) {
                return java.util.Optional.empty();
            }
            at = next;
        }
        return java.util.Optional.of(entries.get(at));
    }

    /**
     * Where a program named without a folder is found, as {@code execvp} looks: the first folder
     * of {@code path} (folders separated by ':') holding {@code name} as a file, links followed,
     * that {@code usable} accepts. Hard links count (Debian's perl is /usr/bin/perl and
     * /usr/bin/perl5.36.0, one inode). Relative folders, and ones that are no guest path, are
     * skipped.
     */
    public java.util.Optional<GuestPath> onPath(String name, String path,
            java.util.function.Predicate<ImageEntry.RegularFile> usable) {
        for (String folder : path.split(":")) {
            if (!folder.startsWith("/")) {
                continue;
            }
            GuestPath candidate;
            try {
                candidate = GuestPath.of(folder).resolve(name);
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (resolve(candidate).flatMap(ImageEntry::inode).filter(usable).isPresent()) {
                return java.util.Optional.of(candidate);
            }
        }
        return java.util.Optional.empty();
    }

    /** The components of a path, {@code ..} kept (it goes up from the folder reached so far). */
    private static List<String> parts(String path) {
        List<String> out = new ArrayList<>();
        for (String p : path.split("/")) {
            if (!p.isEmpty() && !p.equals(".")) {
                out.add(p);
            }
        }
        return out;
    }

    /** All entries in guest-path order, the root folder first. */
    public List<ImageEntry> entries() {
        return Collections.unmodifiableList(new ArrayList<>(entries.values()));
    }

    /** The sum of the sizes of the regular files, each file once however many hard links name it. */
    public long contentBytes() {
        long total = 0;
        for (RegularFile f : inodes()) {
            total += f.content().size();
        }
        return total;
    }

    /**
     * The bytes the tree takes in a filesystem of {@code blockSize} blocks: each file's content
     * rounded up to whole blocks (once for all its hard links), one block per folder, nothing for
     * links. 100 000 one-byte files hold 100 KB and take 400 MB of 4 KiB blocks; a disk sized by
     * {@link #contentBytes} ran out.
     */
    public long allocatedBytes(int blockSize) {
        long total = 0;
        for (RegularFile f : inodes()) {
            total += (f.content().size() + blockSize - 1) / blockSize * blockSize;
        }
        for (ImageEntry e : entries.values()) {
            if (e instanceof ImageEntry.Directory) {
                total += blockSize;
            }
        }
        return total;
    }

    /** The distinct files whose bytes the tree holds: regular files and the files hard links name. */
    private java.util.Set<RegularFile> inodes() {
        java.util.Set<RegularFile> files = new java.util.LinkedHashSet<>();
        entries.values().forEach(e -> ImageEntry.inode(e).ifPresent(files::add));
        return files;
    }

    private boolean hasChildren(GuestPath dir) {
        String prefix = dir.isRoot() ? "/" : dir.value() + "/";
        return entries.keySet().stream().anyMatch(p -> p.value().startsWith(prefix) && !p.equals(dir));
    }

    private static String kind(ImageEntry e) {
        if (e instanceof ImageEntry.Directory) {
            return "a folder";
        }
        if (e instanceof ImageEntry.HardLink) {
            return "a hard link";
        }
        return e instanceof ImageEntry.Symlink ? "a symbolic link" : "a file";
    }
}
