package io.jcap.hypervisor.libvirt;

import io.jcap.host.FileTrees;
import io.jcap.host.SparseWrite;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@link HostFiles} for a daemon on this machine: plain file copies under a root folder, one
 * folder per domain, named as the domain, with the daemon's URI in it ({@value #URI_FILE}).
 */
final class LocalHostFiles implements HostFiles {
    private final Path root;
    private final LibvirtUri uri;

    LocalHostFiles(Path root, LibvirtUri uri) {
        this.root = root.toAbsolutePath();
        this.uri = uri;
    }

    @Override
    public List<String> quietFolders(Instant before) {
        List<String> quiet = new ArrayList<>();
        List<Path> folders;
        try (Stream<Path> list = Files.list(root)) {
            folders = list.filter(p -> p.getFileName().toString().startsWith("jcap-")).toList();
        } catch (IOException e) {
            return quiet;
        }
        for (Path folder : folders) {
            try {
                if (Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)
                        && Files.isRegularFile(folder.resolve(URI_FILE), LinkOption.NOFOLLOW_LINKS)
                        && Files.readString(folder.resolve(URI_FILE)).strip().equals(uri.toString())
                        && !Files.getLastModifiedTime(folder, LinkOption.NOFOLLOW_LINKS).toInstant().isAfter(before)) {
                    quiet.add(folder.toString());
                }
            } catch (IOException | RuntimeException e) {
                // Unreadable: left for a later sweep.
            }
        }
        return quiet;
    }

    @Override
    public String createFolder(String name) throws JcapException {
        try {
            if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(root);
                Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            // The root is predictable and may sit in /var/tmp: refuse one another user planted.
            if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)
                    || !Files.getOwner(root, LinkOption.NOFOLLOW_LINKS).getName().equals(System.getProperty("user.name"))) {
                throw new JcapException("cannot use " + root + " for libvirt domain files: it is not a folder owned by "
                        + System.getProperty("user.name") + "; remove it or choose another folder");
            }
            Path folder = Files.createDirectory(root.resolve(name));
            Files.setPosixFilePermissions(folder, permissions(FOLDER_MODE));
            Files.writeString(folder.resolve(URI_FILE), uri + "\n");
            return folder.toString();
        } catch (IOException e) {
            throw new JcapException("cannot create a folder for libvirt domain files in " + root + ": " + e.getMessage(),
                    e);
        }
    }

    @Override
    public String put(Path local, String folder, String name, int mode, EventSink events) throws JcapException {
        Path target = Path.of(folder, name);
        Set<PosixFilePermission> permissions = permissions(mode);
        // Created with its final permissions before any byte arrives: a private file is never readable by others.
        // Blocks of zeros stay holes: a mostly empty disk (a read-only volume) takes only its data's room.
        try (InputStream in = Files.newInputStream(local)) {
            SparseWrite.copy(in, target, PosixFilePermissions.asFileAttribute(permissions));
            // The umask may have taken bits away at creation.
            Files.setPosixFilePermissions(target, permissions);
            return target.toString();
        } catch (IOException e) {
            throw new JcapException("cannot copy " + local + " to " + target + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<String> link(Path local, String folder, String name) {
        Path target = Path.of(folder, name);
        try {
            Files.createLink(target, local);
            return Optional.of(target.toString());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public String createEmpty(String folder, String name) throws JcapException {
        Path target = Path.of(folder, name);
        try {
            Files.createFile(target);
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
            return target.toString();
        } catch (IOException e) {
            throw new JcapException("cannot create " + target + ": " + e.getMessage(), e);
        }
    }

    @Override
    public int read(String file, long offset, byte[] buffer) throws IOException {
        try (RandomAccessFile in = new RandomAccessFile(file, "r")) {
            in.seek(offset);
            int n = in.read(buffer);
            return Math.max(n, 0);
        }
    }

    @Override
    public long size(String file) throws IOException {
        try {
            return Files.size(Path.of(file));
        } catch (NoSuchFileException e) {
            return -1;
        }
    }

    @Override
    public void deleteFolder(String folder) throws JcapException {
        Path dir = Path.of(folder);
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            FileTrees.delete(dir);
        } catch (IOException e) {
            throw new JcapException("cannot remove libvirt domain files in " + dir + ": " + e.getMessage(), e);
        }
    }

    static Set<PosixFilePermission> permissions(int mode) {
        StringBuilder text = new StringBuilder();
        for (int shift = 6; shift >= 0; shift -= 3) {
            int bits = mode >> shift & 7;
            text.append((bits & 4) != 0 ? 'r' : '-').append((bits & 2) != 0 ? 'w' : '-')
                    .append((bits & 1) != 0 ? 'x' : '-');
        }
        return PosixFilePermissions.fromString(text.toString());
    }

    @Override
    public int reach(String localAddress, int localPort, int hostPort) {
        return hostPort;
    }

    @Override
    public String where() {
        return "this machine";
    }

    @Override
    public void close() {
    }
}
