package io.jcap.model;

import java.util.Locale;

/** The file system of an image's root disk, as named in a Capstanfile ({@code fs: ext4}). */
public enum FsType {
    EXT4, EXT2, ZFS, ROFS;

    /** The name used in Capstanfiles and on the command line: {@code ext4}, {@code zfs}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @throws IllegalArgumentException naming the accepted values
     */
    public static FsType of(String id) {
        for (FsType type : values()) {
            if (type.id().equals(id)) {
                return type;
            }
        }
        throw new IllegalArgumentException("'" + id + "' is not a file system type: use ext4, ext2, zfs or rofs");
    }

    @Override
    public String toString() {
        return id();
    }
}
