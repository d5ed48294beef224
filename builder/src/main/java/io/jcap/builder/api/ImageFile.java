package io.jcap.builder.api;

import io.jcap.model.GuestPath;
import java.util.Objects;
import java.util.Optional;

/**
 * A file, folder or symbolic link inside a stored image, as {@code jcap images ls} lists it.
 *
 * @param mode the permission bits recorded in the image (at most 07777)
 * @param size a file's size in bytes, a link's target length, 0 for a folder
 * @param target a symbolic link's target
 */
public record ImageFile(GuestPath path, Type type, int mode, long size, Optional<String> target) {
    /** What an entry is. */
    public enum Type {
        DIRECTORY('d'), FILE('-'), SYMLINK('l');

        private final char letter;

        Type(char letter) {
            this.letter = letter;
        }

        /** The letter {@code ls -l} shows: {@code d}, {@code -}, {@code l}. */
        public char letter() {
            return letter;
        }
    }

    public ImageFile {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(target, "target");
        if (mode < 0 || mode > 07777 || size < 0) {
            throw new IllegalArgumentException("mode " + Integer.toOctalString(mode) + " or size " + size + " out of range");
        }
        if (target.isPresent() != (type == Type.SYMLINK)) {
            throw new IllegalArgumentException("a symbolic link, and only a link, has a target: " + path);
        }
    }
}
