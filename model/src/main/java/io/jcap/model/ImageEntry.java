package io.jcap.model;

import io.jcap.model.GuestPath;

/**
 * One entry of an image's file tree: a folder, a regular file, a symbolic link or a hard link to
 * a regular file, owned by root unless it says otherwise (a container image's layers keep their
 * owners).
 */
public sealed interface ImageEntry {
    GuestPath path();

    /** Permission bits (at most 07777, setuid, setgid and sticky included). */
    int mode();

    /** Its owner in the guest. */
    Owner owner();

    /**
     * The numeric owner of an entry in the guest; {@link #ROOT} for everything jcap composes itself.
     *
     * @param uid the user ID, 0 or more
     * @param gid the group ID, 0 or more
     */
    record Owner(long uid, long gid) {
        public static final Owner ROOT = new Owner(0, 0);

        public Owner {
            if (uid < 0 || gid < 0 || uid > 0xFFFFFFFFL || gid > 0xFFFFFFFFL) {
                throw new IllegalArgumentException("owner " + uid + ":" + gid + " is not within 0..4294967295");
            }
        }

        // equals and hashCode are written out (the same as the record's own) because a record's are
        // linked through ObjectMethods at their first call, 1-10 ms of every command's start
        // (docs/benchmarks-mini.md).
        @Override
        public boolean equals(Object o) {
            return o instanceof Owner other && uid == other.uid && gid == other.gid;
        }

        @Override
        public int hashCode() {
            return 31 * Long.hashCode(uid) + Long.hashCode(gid);
        }
    }

    record Directory(GuestPath path, int mode, Owner owner) implements ImageEntry {
        public Directory {
            checkMode(mode);
            java.util.Objects.requireNonNull(owner, "owner");
        }

        public Directory(GuestPath path, int mode) {
            this(path, mode, Owner.ROOT);
        }
    }

    record RegularFile(GuestPath path, int mode, FileContent content, Owner owner) implements ImageEntry {
        public RegularFile {
            checkMode(mode);
            java.util.Objects.requireNonNull(owner, "owner");
            if (path.isRoot()) {
                throw new IllegalArgumentException("the image root cannot be a file");
            }
        }

        public RegularFile(GuestPath path, int mode, FileContent content) {
            this(path, mode, content, Owner.ROOT);
        }

        // equals and hashCode written out, the same as the record's own: see GuestPath.
        @Override
        public boolean equals(Object o) {
            return o instanceof RegularFile other && path.equals(other.path) && mode == other.mode
                    && java.util.Objects.equals(content, other.content) && owner.equals(other.owner);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * (31 * path.hashCode() + Integer.hashCode(mode)) + java.util.Objects.hashCode(content))
                    + owner.hashCode();
        }
    }

    record Symlink(GuestPath path, String target, Owner owner) implements ImageEntry {
        public Symlink {
            java.util.Objects.requireNonNull(owner, "owner");
            if (target.isEmpty() || target.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("symbolic link " + path + " has an empty or invalid target");
            }
        }

        public Symlink(GuestPath path, String target) {
            this(path, target, Owner.ROOT);
        }

        @Override
        public int mode() {
            return 0777;
        }
    }

    /**
     * A second name of a regular file: one inode in the guest, its bytes on the disk once. It
     * carries the file it names as it was when the link was made, so the link keeps those bytes,
     * mode and owner when the tree's entry at {@code file.path()} is later replaced or removed (as a
     * hard link on a real file system keeps its inode). Writers group the entries naming one file
     * (the file's own entry, if still in the tree, and its links) into one inode.
     *
     * <pre>{@code
     * ImageEntry.RegularFile perl = new ImageEntry.RegularFile(GuestPath.of("/usr/bin/perl"), 0755, content);
     * ImageEntry.HardLink versioned = new ImageEntry.HardLink(GuestPath.of("/usr/bin/perl5.36.0"), perl);
     * }</pre>
     *
     * @param path the link's own path
     * @param file the file whose inode it shares
     */
    record HardLink(GuestPath path, RegularFile file) implements ImageEntry {
        public HardLink {
            java.util.Objects.requireNonNull(file, "file");
            if (path.isRoot() || path.equals(file.path())) {
                throw new IllegalArgumentException("hard link " + path + " cannot name " + file.path()
                        + ": a link needs a path of its own, other than the root");
            }
        }

        @Override
        public int mode() {
            return file.mode();
        }

        @Override
        public Owner owner() {
            return file.owner();
        }

        /** The same bytes, mode and owner as a file of its own at the link's path (for writers without links). */
        public RegularFile asCopy() {
            return new RegularFile(path, file.mode(), file.content(), file.owner());
        }

        /**
         * {@code entries} with every hard link turned into a copy: for file systems that cannot hold
         * links (OSv's ROFS and ZFS through cpiod).
         */
        public static java.util.List<ImageEntry> asCopies(java.util.List<ImageEntry> entries) {
            return entries.stream().map(e -> e instanceof HardLink h ? (ImageEntry) h.asCopy() : e).toList();
        }
    }

    /**
     * The file whose bytes an entry holds: a regular file itself, a hard link's file; empty for
     * folders and symbolic links. Two entries share an inode exactly when this gives equal files.
     */
    static java.util.Optional<RegularFile> inode(ImageEntry entry) {
        if (entry instanceof RegularFile f) {
            return java.util.Optional.of(f);
        }
        return entry instanceof HardLink h ? java.util.Optional.of(h.file()) : java.util.Optional.empty();
    }

    private static void checkMode(int mode) {
        if (mode < 0 || mode > 07777) {
            throw new IllegalArgumentException("file mode " + Integer.toOctalString(mode) + " is not within 0..07777");
        }
    }
}
