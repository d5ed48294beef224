package io.jcap.builder.compose;

import io.jcap.host.HostNames;
import io.jcap.model.FailureReason;
import io.jcap.model.FileContent;
import io.jcap.model.FileIdentity;
import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Reads host files into image entries. Symbolic links inside a host folder are copied as links
 * (never followed, so nothing outside the folder is read), and the names of one host file within
 * it become hard links to one file; only permission bits (set-user-ID, set-group-ID and sticky
 * included) are taken from the host, never owners or times. Names must be UTF-8
 * ({@link HostNames}).
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
        // The entries (by index) of each host file (device, inode) with more than one name.
        Map<List<Object>, List<Integer>> names = new HashMap<>();
        try {
            // The folder the package file names is followed if it is a link (as a file it names
            // is); the links inside it are not.
            Path start = hostDir.toRealPath();
            // Each folder's guest path, the walk's current one on top: an entry's path is its
            // folder's and its own name, not its host path made relative and read name by name.
            Deque<GuestPath> folders = new ArrayDeque<>();
            Files.walkFileTree(start, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    GuestPath guest = folders.isEmpty() ? at : HostNames.child(folders.peek(), dir);
                    if (!guest.isRoot()) {
                        if (leftOut.test(guest)) {
                            return FileVisitResult.SKIP_SUBTREE;
                        }
                        entries.add(new ImageEntry.Directory(guest, mode(dir, LinkOption.NOFOLLOW_LINKS)));
                    }
                    folders.push(guest);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    folders.pop();
                    return super.postVisitDirectory(dir, e);
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    if (folders.isEmpty()) {
                        throw new FileSystemException(file.toString(), null, "not a folder");
                    }
                    GuestPath guest = HostNames.child(folders.peek(), file);
                    if (leftOut.test(guest)) {
                        return FileVisitResult.CONTINUE;
                    }
                    if (attrs.isSymbolicLink()) {
                        String target = Files.readSymbolicLink(file).toString();
                        HostNames.checkUtf8(file, target, "its link target " + target);
                        entries.add(new ImageEntry.Symlink(guest, target));
                        return FileVisitResult.CONTINUE;
                    }
                    if (!attrs.isRegularFile()) {
                        throw new FileSystemException(file.toString(), null,
                                "neither a file, a folder nor a symbolic link");
                    }
                    // One stat for everything the build asks of the file: its mode and links here, its
                    // identity for the digest cache.
                    Map<String, Object> unix = Files.readAttributes(file, "unix:mode,nlink," + FileIdentity.ATTRIBUTES,
                            LinkOption.NOFOLLOW_LINKS);
                    if ((Integer) unix.get("nlink") > 1) {
                        names.computeIfAbsent(List.of(unix.get("dev"), unix.get("ino")), k -> new ArrayList<>())
                                .add(entries.size());
                    }
                    entries.add(new ImageEntry.RegularFile(guest, (Integer) unix.get("mode") & 07777,
                            FileContent.of(file, FileIdentity.of(unix))));
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new JcapException("could not read rootfs folder " + hostDir + ": " + FailureReason.withFile(e), e);
        } catch (IllegalArgumentException e) {
            throw new JcapException("could not read rootfs folder " + hostDir + ": " + e.getMessage(), e);
        }
        for (List<Integer> group : names.values()) {
            linkNames(entries, group);
        }
        return entries;
    }

    /**
     * Makes the names of one host file one file in the image: the first in guest-path order (not
     * the order the folder lists them in, which differs between hosts) keeps the bytes, the others
     * become hard links to it, as a container layer's do.
     */
    private static void linkNames(List<ImageEntry> entries, List<Integer> group) {
        if (group.size() < 2) {
            return;
        }
        List<Integer> ordered = new ArrayList<>(group);
        ordered.sort(Comparator.comparing(i -> entries.get(i).path()));
        ImageEntry.RegularFile first = (ImageEntry.RegularFile) entries.get(ordered.get(0));
        for (int i : ordered.subList(1, ordered.size())) {
            entries.set(i, new ImageEntry.HardLink(entries.get(i).path(), first));
        }
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
            throw new JcapException("could not read " + host + " for " + guest + ": " + FailureReason.ofFile(e), e);
        }
    }

    /** The permission bits of a host file, links followed: set-user-ID, set-group-ID and sticky included. */
    public static int mode(Path p) throws IOException {
        return mode(p, new LinkOption[0]);
    }

    private static int mode(Path p, LinkOption... options) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode", options) & 07777;
    }
}
