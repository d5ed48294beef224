package io.jcap.builder.compose;

import io.jcap.model.FileContent;
import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Reads host files into image entries. Symbolic links inside a host folder are copied as links
 * (never followed, so nothing outside the folder is read); only permission bits are taken from
 * the host, never owners or times.
 */
public final class HostTree {
    private HostTree() {
    }

    /** The entries of a host folder merged at the image root (the folder itself becomes "/"). */
    public static List<ImageEntry> folder(Path hostDir, GuestPath at) throws JcapException {
        return folder(hostDir, at, guest -> false);
    }

    /**
     * The entries of a host folder at {@code at}, less those {@code leftOut} names: a folder
     * left out is not read at all (a Capstan package's {@code .git}, say).
     */
    public static List<ImageEntry> folder(Path hostDir, GuestPath at, Predicate<GuestPath> leftOut) throws JcapException {
        List<ImageEntry> entries = new ArrayList<>();
        try {
            // The folder the package file names is followed if it is a link (as a file it names
            // is); the links inside it are not.
            Path start = hostDir.toRealPath();
            Files.walkFileTree(start, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    GuestPath guest = guestPath(start, dir, at);
                    if (!guest.isRoot()) {
                        if (leftOut.test(guest)) {
                            return FileVisitResult.SKIP_SUBTREE;
                        }
                        entries.add(new ImageEntry.Directory(guest, mode(dir)));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    GuestPath guest = guestPath(start, file, at);
                    if (!leftOut.test(guest)) {
                        entries.add(entry(file, guest));
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException | IllegalArgumentException e) {
            throw new JcapException("could not read rootfs folder " + hostDir + ": " + e.getMessage(), e);
        }
        return entries;
    }

    /** One host file (followed if it is a link: the package file named it) at a guest path. */
    public static ImageEntry file(Path host, GuestPath guest) throws JcapException {
        try {
            if (Files.isDirectory(host)) {
                throw new JcapException("files: " + guest + " names a folder (" + host
                        + "); list its files or use rootfs to merge a folder");
            }
            if (!Files.isRegularFile(host)) {
                // A device or a FIFO: its bytes never end, or never come.
                throw new JcapException("files: " + guest + " names " + host + ", which is not a regular file: jcap"
                        + " copies files, not devices, FIFOs or sockets");
            }
            return new ImageEntry.RegularFile(guest, mode(host), FileContent.of(host));
        } catch (IOException e) {
            throw new JcapException("could not read " + host + " for " + guest + ": " + e.getMessage(), e);
        }
    }

    private static ImageEntry entry(Path file, GuestPath guest) throws IOException {
        if (Files.isSymbolicLink(file)) {
            return new ImageEntry.Symlink(guest, Files.readSymbolicLink(file).toString());
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(file + " is neither a file, a folder nor a symbolic link");
        }
        return new ImageEntry.RegularFile(guest, mode(file), FileContent.of(file));
    }

    private static GuestPath guestPath(Path base, Path p, GuestPath at) {
        String rel = base.relativize(p).toString().replace('\\', '/');
        return rel.isEmpty() ? at : at.resolve(rel);
    }

    public static int mode(Path p) throws IOException {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
        int mode = 0;
        for (PosixFilePermission perm : perms) {
            mode |= switch (perm) {
                case OWNER_READ -> 0400;
                case OWNER_WRITE -> 0200;
                case OWNER_EXECUTE -> 0100;
                case GROUP_READ -> 040;
                case GROUP_WRITE -> 020;
                case GROUP_EXECUTE -> 010;
                case OTHERS_READ -> 04;
                case OTHERS_WRITE -> 02;
                case OTHERS_EXECUTE -> 01;
            };
        }
        return mode;
    }
}
