package io.jcap.builder.container;

import io.jcap.model.JcapException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;

/**
 * The files of an image layout ({@code index.json}, {@code blobs/sha256/...}, docker save's
 * {@code manifest.json}), in a folder or in a tar read in place: an archive is never unpacked,
 * its members are read where they are.
 */
abstract class LayoutFiles implements Closeable {
    /** The member {@code name} (relative, '/'-separated), or empty when there is none. */
    abstract Optional<InputStream> open(String name) throws IOException;

    /** What the files are, for messages. */
    abstract String where();

    byte[] read(String name, String what) throws JcapException {
        try {
            Optional<InputStream> in = open(name);
            if (in.isEmpty()) {
                throw new JcapException(where() + " has no " + name + " (" + what + ")");
            }
            try (InputStream stream = in.get()) {
                return stream.readAllBytes();
            }
        } catch (IOException e) {
            throw new JcapException("cannot read " + name + " of " + where() + ": " + e.getMessage(), e);
        }
    }

    static LayoutFiles folder(Path dir) throws JcapException {
        if (Files.isRegularFile(dir)) {
            throw new JcapException("OCI layout folder " + dir + " is a file: oci:DIR names a folder holding oci-layout,"
                    + " index.json and blobs/; a layout in a tar is oci-archive:FILE, docker save's output"
                    + " docker-archive:FILE");
        }
        if (!Files.isDirectory(dir)) {
            throw new JcapException("OCI layout folder " + dir + " does not exist (oci:DIR names a folder holding"
                    + " oci-layout, index.json and blobs/)");
        }
        return new Folder(dir);
    }

    static LayoutFiles archive(Path file) throws JcapException {
        if (!Files.isRegularFile(file)) {
            throw new JcapException("image archive " + file + " does not exist or is not a file");
        }
        try (InputStream head = Files.newInputStream(file)) {
            byte[] magic = head.readNBytes(2);
            if (magic.length == 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
                throw new JcapException("image archive " + file + " is gzip-compressed: jcap reads the plain tar (docker"
                        + " save's own output); unzip it first (gunzip -k " + file + ")");
            }
        } catch (IOException e) {
            throw new JcapException("image archive " + file + " cannot be read: " + e.getMessage(), e);
        }
        try {
            return new Archive(file, new TarFile(file, StandardCharsets.UTF_8.name()));
        } catch (IOException e) {
            throw new JcapException("image archive " + file + " is not a readable tar: " + e.getMessage(), e);
        }
    }

    private static final class Folder extends LayoutFiles {
        private final Path dir;

        Folder(Path dir) {
            this.dir = dir;
        }

        @Override
        Optional<InputStream> open(String name) throws IOException {
            Path file = dir.resolve(checked(name));
            // A layout is data: a blob that is a symbolic link could read any host file, and so
            // could one under a linked folder (blobs/sha256 -> elsewhere): no component of the
            // name below the layout's folder may be a link.
            for (Path p = file; !p.equals(dir) && p.startsWith(dir); p = p.getParent()) {
                if (Files.isSymbolicLink(p)) {
                    return Optional.empty();
                }
            }
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.empty();
            }
            return Optional.of(Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS));
        }

        @Override
        String where() {
            return "OCI layout " + dir;
        }

        @Override
        public void close() {
        }
    }

    private static final class Archive extends LayoutFiles {
        private final Path file;
        private final TarFile tar;
        private final Map<String, TarArchiveEntry> members = new HashMap<>();

        Archive(Path file, TarFile tar) {
            this.file = file;
            this.tar = tar;
            for (TarArchiveEntry e : tar.getEntries()) {
                if (e.isFile() || e.isSymbolicLink()) {
                    String name = e.getName().startsWith("./") ? e.getName().substring(2) : e.getName();
                    members.put(name, e);
                }
            }
        }

        @Override
        Optional<InputStream> open(String name) throws IOException {
            String member = checked(name);
            TarArchiveEntry e = members.get(member);
            // docker save writes ID/layer.tar as a link to ../HEX.tar: followed inside the archive only.
            for (int hops = 0; e != null && e.isSymbolicLink(); hops++) {
                if (hops == 4) {
                    throw new IOException("member " + name + " is a chain of links");
                }
                member = inside(member, e.getLinkName());
                e = members.get(member);
            }
            return e == null ? Optional.empty() : Optional.of(tar.getInputStream(e));
        }

        /** A link target resolved against the link's folder, staying inside the archive. */
        private static String inside(String link, String target) throws IOException {
            java.util.Deque<String> parts = new java.util.ArrayDeque<>();
            int slash = link.lastIndexOf('/');
            String base = target.startsWith("/") ? "" : slash < 0 ? "" : link.substring(0, slash);
            for (String part : (base + "/" + target).split("/")) {
                if (part.isEmpty() || part.equals(".")) {
                    continue;
                }
                if (part.equals("..")) {
                    if (parts.isEmpty()) {
                        throw new IOException("member " + link + " links outside the archive (" + target + ")");
                    }
                    parts.removeLast();
                } else {
                    parts.addLast(part);
                }
            }
            return String.join("/", parts);
        }

        @Override
        String where() {
            return "image archive " + file;
        }

        @Override
        public void close() throws IOException {
            tar.close();
        }
    }

    /** Names come from manifests someone else wrote: inside the layout only. */
    private static String checked(String name) throws IOException {
        if (name.isEmpty() || name.startsWith("/") || name.contains("\\") || name.contains("\0")) {
            throw new IOException("'" + name + "' is not a path inside the layout");
        }
        for (String part : name.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                throw new IOException("'" + name + "' is not a path inside the layout");
            }
        }
        return name;
    }
}
