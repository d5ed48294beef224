package io.jcap.model;

import io.jcap.model.GuestPath;

/** One entry of an image's file tree: a folder, a regular file or a symbolic link. */
public sealed interface ImageEntry {
    GuestPath path();

    /** Permission bits (at most 07777). */
    int mode();

    record Directory(GuestPath path, int mode) implements ImageEntry {
        public Directory {
            checkMode(mode);
        }
    }

    record RegularFile(GuestPath path, int mode, FileContent content) implements ImageEntry {
        public RegularFile {
            checkMode(mode);
            if (path.isRoot()) {
                throw new IllegalArgumentException("the image root cannot be a file");
            }
        }
    }

    record Symlink(GuestPath path, String target) implements ImageEntry {
        public Symlink {
            if (target.isEmpty() || target.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("symbolic link " + path + " has an empty or invalid target");
            }
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
