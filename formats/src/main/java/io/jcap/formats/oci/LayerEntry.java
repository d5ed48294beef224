package io.jcap.formats.oci;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A file that goes into a layer: where it lands in the layer, where its bytes are on the host,
 * and the owner and mode it gets there (the host file's own owner, mtime and mode are never used).
 *
 * <pre>{@code
 * LayerEntry disk = new LayerEntry("disk/image.qcow2", folder.resolve("image.qcow2"), 107, 107, 0644);
 * }</pre>
 *
 * @param path the path inside the layer, relative, with '/' separators ({@code disk/image.qcow2})
 * @param source the host file holding the bytes
 * @param uid the owner's user ID in the layer
 * @param gid the owner's group ID in the layer
 * @param mode the file's permission bits
 */
public record LayerEntry(String path, Path source, int uid, int gid, int mode) {
    public LayerEntry {
        Objects.requireNonNull(source, "source");
        path = LayerPaths.check(path);
        if (uid < 0 || gid < 0) {
            throw new IllegalArgumentException("the owner of " + path + " is " + uid + ":" + gid + ": IDs are 0 or more");
        }
        if ((mode & ~07777) != 0) {
            throw new IllegalArgumentException("the mode of " + path + " is " + Integer.toOctalString(mode)
                    + ": permission bits are at most 07777");
        }
    }
}
