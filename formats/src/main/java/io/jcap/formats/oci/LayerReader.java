package io.jcap.formats.oci;

import io.jcap.model.JcapException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Unpacks a layer someone else made (a registry is untrusted input) into a folder: plain files and
 * folders only, each inside the folder, none twice. Links, devices, whiteouts ({@code .wh.} names)
 * and paths leaving the folder are refused with the entry's name, before anything is written for it.
 *
 * <pre>{@code
 * List<LayerReader.Unpacked> files = LayerReader.unpack(blobStream, staging, "layer sha256:4f2...");
 * }</pre>
 */
public final class LayerReader {
    private LayerReader() {
    }

    /**
     * A file the layer held.
     *
     * @param path its path in the layer
     * @param file where it now is
     * @param size its size in bytes
     * @param uid its owner's user ID in the layer
     * @param gid its owner's group ID in the layer
     */
    public record Unpacked(String path, Path file, long size, long uid, long gid) {
    }

    /**
     * Reads the tar in {@code in} (to its end, so that a digest around it sees every byte) into
     * {@code folder}; {@code what} names the layer in messages.
     *
     * @return the files, in the layer's order
     * @throws JcapException when an entry is not a plain file or folder, leaves the folder, or comes twice
     */
    public static List<Unpacked> unpack(InputStream in, Path folder, String what) throws JcapException, IOException {
        List<Unpacked> files = new ArrayList<>();
        TarArchiveInputStream tar = new TarArchiveInputStream(in, StandardCharsets.UTF_8.name());
        TarArchiveEntry entry;
        while ((entry = tar.getNextTarEntry()) != null) {
            String path;
            try {
                path = LayerPaths.check(entry.getName());
            } catch (IllegalArgumentException e) {
                throw new JcapException(what + " is refused: " + e.getMessage());
            }
            String leaf = path.substring(path.lastIndexOf('/') + 1);
            if (leaf.startsWith(".wh.")) {
                throw new JcapException(what + " is refused: it has a whiteout entry '" + path
                        + "' (jcap images are single layers of plain files, never changes to another layer)");
            }
            Path target = folder.resolve(path);
            if (entry.isDirectory()) {
                Files.createDirectories(target);
            } else if (isPlainFile(entry)) {
                if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                    throw new JcapException(what + " is refused: it holds '" + path + "' twice");
                }
                Files.createDirectories(target.getParent());
                long size;
                try (var out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    size = tar.transferTo(out);
                }
                files.add(new Unpacked(path, target, size, entry.getLongUserId(), entry.getLongGroupId()));
            } else {
                throw new JcapException(what + " is refused: its entry '" + path + "' is a " + kind(entry)
                        + "; jcap takes only plain files and folders from a registry");
            }
        }
        // The end-of-archive blocks and any padding after them belong to the blob's digest too.
        in.transferTo(java.io.OutputStream.nullOutputStream());
        return files;
    }

    /** By type flag alone: Commons Compress counts some link entries as files. */
    private static boolean isPlainFile(TarArchiveEntry e) {
        return e.getLinkFlag() == TarArchiveEntry.LF_NORMAL || e.getLinkFlag() == TarArchiveEntry.LF_OLDNORM;
    }

    private static String kind(TarArchiveEntry e) {
        if (e.isSymbolicLink()) {
            return "symbolic link to " + e.getLinkName();
        }
        if (e.isLink()) {
            return "hard link to " + e.getLinkName();
        }
        if (e.isCharacterDevice() || e.isBlockDevice()) {
            return "device";
        }
        if (e.isFIFO()) {
            return "FIFO";
        }
        return "special entry (type '" + (char) e.getLinkFlag() + "')";
    }
}
