package io.jcap.model;

import io.jcap.model.GuestPath;

/**
 * One entry of an image's file tree: a folder, a regular file or a symbolic link, owned by root
 * unless it says otherwise (a container image's layers keep their owners).
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

    private static void checkMode(int mode) {
        if (mode < 0 || mode > 07777) {
            throw new IllegalArgumentException("file mode " + Integer.toOctalString(mode) + " is not within 0..07777");
        }
    }
}
