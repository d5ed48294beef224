package io.jcap.formats.rofs;

import io.jcap.model.GuestPath;

/**
 * A file, folder or symbolic link found in a ROFS by {@link RofsReader}.
 *
 * @param mode the permission bits the writer recorded (OSv itself shows 0555)
 * @param size a file's size in bytes; a link's target length in bytes; 0 for a folder
 * @param target a symbolic link's target, otherwise null
 */
public record RofsEntry(GuestPath path, Type type, int mode, long size, String target, long inode) {
    /** What an entry is. */
    public enum Type { DIRECTORY, FILE, SYMLINK }
}
