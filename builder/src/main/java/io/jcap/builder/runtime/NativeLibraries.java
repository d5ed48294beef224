package io.jcap.builder.runtime;

import io.jcap.builder.compose.HostTree;
import io.jcap.kernels.ElfLibraries;
import io.jcap.model.FailureReason;
import io.jcap.model.FileContent;
import io.jcap.model.FileIdentity;
import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The shared libraries of the dynamically linked programs among an image's files: every regular
 * file that is an ELF object gets its libraries resolved on the host, the way the host's loader
 * would find them, and each one is added at the guest path where it was found. A file already in
 * the image wins: nothing the package file placed is replaced.
 *
 * <p>The guest has no {@code ld.so.cache}, so its loader searches only its built-in folders
 * ({@link #LOADER_FOLDERS}) and the programs' own {@code RPATH}/{@code RUNPATH}. Libraries found
 * anywhere else (a folder of the host's {@code /etc/ld.so.conf} such as {@code /usr/local/lib}, or
 * a run path relative to a program that sits elsewhere in the guest) are reported in
 * {@link Collected#otherFolders()} so that the guest can search them through {@code LD_LIBRARY_PATH}.
 */
final class NativeLibraries {
    /** glibc's built-in search folders on x86-64 Debian, used when there is no {@code ld.so.cache}. */
    static final Set<GuestPath> LOADER_FOLDERS = Set.of(GuestPath.of("/lib/x86_64-linux-gnu"),
            GuestPath.of("/usr/lib/x86_64-linux-gnu"), GuestPath.of("/lib"), GuestPath.of("/usr/lib"));
    private static final byte[] ELF_MAGIC = {0x7f, 'E', 'L', 'F'};
    /** Bounds how many symbolic links a guest path may pass through, as the kernel does (ELOOP). */
    private static final int MAX_LINKS = 40;

    /**
     * What the programs need beyond the image's files.
     *
     * @param libraries the libraries and the dynamic loader, sorted by guest path
     * @param otherFolders folders holding collected libraries that the guest's loader does not search by itself
     */
    record Collected(List<ImageEntry> libraries, List<GuestPath> otherFolders) {
        Collected {
            libraries = List.copyOf(libraries);
            otherFolders = List.copyOf(otherFolders);
        }
    }

    private NativeLibraries() {
    }

    /**
     * Collects the libraries of the ELF files among {@code files}.
     *
     * @param files the image's files in the order they are added (a later entry replaces an earlier one)
     */
    static Collected collect(List<ImageEntry> files, ElfLibraries resolver) throws JcapException {
        Map<GuestPath, ImageEntry> image = new TreeMap<>();
        files.forEach(e -> image.put(e.path(), e));
        Map<GuestPath, Path> elfFiles = new LinkedHashMap<>();
        // The host files in the image, by device and inode: as the folder's walk read them, else one
        // stat each (a real path costs one per folder of the path, for every file of a tree of 20 000).
        Set<List<Long>> hostFilesInImage = new HashSet<>();
        Set<String> provided = new HashSet<>();
        for (ImageEntry entry : image.values()) {
            if (entry instanceof ImageEntry.RegularFile file && file.content() instanceof FileContent.HostFile host) {
                hostFilesInImage.add(fileKey(host.identity() != null ? host.identity() : identity(host.path())));
                if (isElf(file)) {
                    elfFiles.put(file.path(), host.path());
                    provided.add(file.path().fileName());
                }
            }
        }
        List<ElfLibraries.Library> needed = new ArrayList<>();
        for (Map.Entry<GuestPath, Path> program : elfFiles.entrySet()) {
            try {
                needed.addAll(resolver.resolve(program.getValue(), provided));
            } catch (JcapException e) {
                throw new JcapException("cannot collect the shared libraries of " + program.getKey() + ": "
                        + e.getMessage(), e);
            }
        }
        // Shared libraries such as libc name the loader as needed; in a process the loader is already
        // there, loaded by the path its program names, so it is not wanted a second time elsewhere.
        Set<Path> loaders = new HashSet<>();
        needed.stream().filter(ElfLibraries.Library::loader).forEach(l -> loaders.add(l.hostFile()));
        Map<GuestPath, ImageEntry> added = new TreeMap<>();
        Set<GuestPath> otherFolders = new TreeSet<>();
        for (ElfLibraries.Library library : needed) {
            if (hostFilesInImage.contains(fileKey(identity(library.hostFile())))) {
                continue; // shipped with the program, such as a Java runtime's own libraries
            }
            if (!library.loader() && loaders.contains(library.hostFile())) {
                continue;
            }
            GuestPath guest = throughLinks(library.guestPath(), image);
            if (image.containsKey(guest) || added.containsKey(guest)) {
                continue;
            }
            added.put(guest, libraryEntry(library, guest));
            if (!library.loader() && !LOADER_FOLDERS.contains(guest.parent())) {
                otherFolders.add(guest.parent());
            }
        }
        return new Collected(new ArrayList<>(added.values()), new ArrayList<>(otherFolders));
    }

    private static ImageEntry libraryEntry(ElfLibraries.Library library, GuestPath guest) throws JcapException {
        try {
            return new ImageEntry.RegularFile(guest, HostTree.mode(library.hostFile()),
                    FileContent.of(library.hostFile()));
        } catch (IOException e) {
            throw new JcapException("cannot read library " + library.hostFile() + ": " + FailureReason.ofFile(e), e);
        }
    }

    /**
     * Where {@code path} really lies in the image when one of its parent folders is a symbolic
     * link there (a root file system whose {@code /lib} links to {@code usr/lib}).
     */
    static GuestPath throughLinks(GuestPath path, Map<GuestPath, ImageEntry> image) {
        GuestPath current = path;
        for (int links = 0; links < MAX_LINKS; links++) {
            GuestPath linked = null;
            for (GuestPath ancestor : current.ancestors()) {
                if (image.get(ancestor) instanceof ImageEntry.Symlink link) {
                    String rest = current.value().substring(ancestor.value().length() + 1);
                    try {
                        GuestPath target = link.target().startsWith("/") ? GuestPath.of(link.target())
                                : ancestor.parent().resolve(link.target());
                        linked = target.resolve(rest);
                    } catch (IllegalArgumentException e) {
                        return path; // a link leaving the image: composing the image reports the path
                    }
                    break;
                }
            }
            if (linked == null) {
                return current;
            }
            current = linked;
        }
        return path;
    }

    private static boolean isElf(ImageEntry.RegularFile file) throws JcapException {
        if (file.content().size() < ELF_MAGIC.length) {
            return false;
        }
        try (InputStream in = file.content().open()) {
            return Arrays.equals(in.readNBytes(ELF_MAGIC.length), ELF_MAGIC);
        } catch (IOException e) {
            throw new JcapException("cannot read " + file.path() + " from the host: " + FailureReason.withFile(e), e);
        }
    }

    /** What tells one host file from another: its device and inode. */
    private static List<Long> fileKey(FileIdentity identity) {
        return List.of(identity.device(), identity.inode());
    }

    /** A host file's identity now, links followed. */
    private static FileIdentity identity(Path host) throws JcapException {
        try {
            return FileIdentity.of(host);
        } catch (IOException e) {
            throw new JcapException("cannot read " + host + ": " + FailureReason.ofFile(e), e);
        }
    }
}
