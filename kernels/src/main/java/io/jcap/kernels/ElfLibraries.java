package io.jcap.kernels;

import io.jcap.formats.elf.ElfFile;
import io.jcap.model.GuestPath;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;

/**
 * Finds the shared libraries a host program needs, the way the dynamic loader does, so that the
 * program can be copied into a guest together with them. The search order per library is the
 * loader's: {@code DT_RPATH} of the requesting object and of the objects that loaded it (when the
 * requesting object has no {@code DT_RUNPATH}), then its {@code DT_RUNPATH}, then the folders of
 * {@code /etc/ld.so.conf}, then the default folders. {@code LD_LIBRARY_PATH} is deliberately not
 * used: the guest does not have the caller's environment.
 *
 * <pre>{@code
 * for (ElfLibraries.Library lib : ElfLibraries.ofHost().resolve(Path.of("/sbin/mke2fs"))) {
 *     tree.add(new ImageEntry.RegularFile(lib.guestPath(), 0755, FileContent.of(lib.hostFile())));
 * }
 * }</pre>
 */
public final class ElfLibraries {
    /** The loader's built-in folders, searched after those of {@code /etc/ld.so.conf}. */
    public static final List<String> DEFAULT_FOLDERS =
            List.of("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/lib", "/usr/lib");

    /**
     * A library (or the dynamic loader) as a host file and the guest path it must appear at.
     *
     * @param loader true for the dynamic loader, which the kernel loads by its path (never searched for)
     */
    public record Library(Path hostFile, GuestPath guestPath, boolean loader) {
        public Library(Path hostFile, GuestPath guestPath) {
            this(hostFile, guestPath, false);
        }
    }

    private record LoadedObject(Path file, Path origin, ElfFile.Dynamic dynamic, LoadedObject loader) {
        boolean hasRunpath() {
            return dynamic.runpath().isPresent();
        }
    }

    private final List<String> systemFolders;

    /**
     * @param configuredFolders the folders of {@code /etc/ld.so.conf}, searched before
     *     {@link #DEFAULT_FOLDERS}
     */
    public ElfLibraries(List<String> configuredFolders) {
        Set<String> folders = new LinkedHashSet<>();
        configuredFolders.forEach(f -> folders.add(LdSoConf.trimSlashes(f)));
        folders.addAll(DEFAULT_FOLDERS);
        this.systemFolders = List.copyOf(folders);
    }

    /** The resolver for this machine, configured from {@code /etc/ld.so.conf}. */
    public static ElfLibraries ofHost() {
        return new ElfLibraries(LdSoConf.folders(Path.of("/etc/ld.so.conf")));
    }

    /**
     * The libraries {@code program} loads, transitively, in the loader's (breadth-first) order,
     * the dynamic loader last; nothing for a static program. Host files are real paths (symbolic
     * links resolved); guest paths are where the loader looks for them.
     *
     * @throws JcapException when the program is not an x86-64 ELF file or a library is missing
     */
    public List<Library> resolve(Path program) throws JcapException {
        return resolve(program, Set.of());
    }

    /**
     * Like {@link #resolve(Path)}, for a program among other files that will be loaded with it:
     * a needed name that no search folder holds is taken as satisfied when it is in
     * {@code provided}, as a Java runtime's {@code libzip.so} needs {@code libjvm.so}, which the
     * launcher loaded by its full path before.
     *
     * @param provided file names (sonames) that the program's surroundings supply
     */
    public List<Library> resolve(Path program, Set<String> provided) throws JcapException {
        Path real;
        try {
            real = program.toRealPath();
        } catch (NoSuchFileException e) {
            throw new JcapException("program " + program + " does not exist");
        } catch (IOException e) {
            throw new JcapException("cannot read program " + program + ": " + e.getMessage(), e);
        }
        Optional<String> interpreter;
        Optional<ElfFile.Dynamic> dynamic;
        try {
            interpreter = ElfFile.read(real, ElfFile::interpreter);
            dynamic = ElfFile.read(real, ElfFile::dynamic);
        } catch (IOException e) {
            throw new JcapException("cannot read the libraries of program " + program + ": " + e.getMessage(), e);
        }
        if (dynamic.isEmpty() || (interpreter.isEmpty() && dynamic.get().needed().isEmpty())) {
            return List.of();
        }
        Map<String, Path> loadedByName = new HashMap<>();
        Set<Path> loadedFiles = new HashSet<>();
        List<Library> result = new ArrayList<>();
        Library loader = interpreter.isPresent() ? loadInterpreter(program, interpreter.get()) : null;
        if (loader != null) {
            // Libraries such as libc name the loader as needed; it is already there, under its own name.
            loadedFiles.add(loader.hostFile());
            loadedByName.put(loader.guestPath().fileName(), loader.hostFile());
            soname(loader.hostFile()).ifPresent(name -> loadedByName.put(name, loader.hostFile()));
        }
        Queue<LoadedObject> queue = new ArrayDeque<>();
        queue.add(new LoadedObject(real, real.getParent(), dynamic.get(), null));
        while (!queue.isEmpty()) {
            LoadedObject object = queue.remove();
            for (String needed : object.dynamic().needed()) {
                if (loadedByName.containsKey(needed)) {
                    continue;
                }
                Found found = find(program, object, needed, provided);
                if (found == null) {
                    loadedByName.put(needed, null);
                    continue;
                }
                loadedByName.put(needed, found.realFile());
                if (!loadedFiles.add(found.realFile())) {
                    continue;
                }
                ElfFile.Dynamic libDynamic = readDynamic(program, found.realFile());
                libDynamic.soname().ifPresent(name -> loadedByName.putIfAbsent(name, found.realFile()));
                result.add(new Library(found.realFile(), found.guestPath()));
                queue.add(new LoadedObject(found.realFile(), found.searched().getParent(), libDynamic, object));
            }
        }
        if (loader != null) {
            result.add(loader);
        }
        return List.copyOf(result);
    }

    private record Found(Path searched, Path realFile, GuestPath guestPath) {
    }

    /** Where {@code needed} is found, or null when no folder has it but {@code provided} names it. */
    private Found find(Path program, LoadedObject requester, String needed, Set<String> provided)
            throws JcapException {
        if (needed.contains("/")) {
            if (!needed.startsWith("/")) {
                throw new JcapException("program " + program + " needs library " + needed
                        + " by a relative path, which cannot be placed in a guest");
            }
            Found found = candidate(Path.of(needed), needed);
            if (found == null) {
                throw new JcapException("program " + program + " needs library " + needed
                        + ", which does not exist on this machine: install the package that provides it");
            }
            return found;
        }
        List<String> folders = searchFolders(requester);
        for (String folder : folders) {
            Found found = candidate(Path.of(folder, needed), folder + "/" + needed);
            if (found != null) {
                return found;
            }
        }
        if (provided.contains(needed)) {
            return null;
        }
        throw new JcapException("program " + program + " needs library " + needed + " (through " + requester.file()
                + "), which is in none of " + String.join(":", folders) + ": install the package that provides it");
    }

    private List<String> searchFolders(LoadedObject requester) {
        Set<String> folders = new LinkedHashSet<>();
        if (!requester.hasRunpath()) {
            for (LoadedObject o = requester; o != null; o = o.loader()) {
                if (!o.hasRunpath() && o.dynamic().rpath().isPresent()) {
                    folders.addAll(expand(o.dynamic().rpath().get(), o));
                }
            }
        }
        requester.dynamic().runpath().ifPresent(runpath -> folders.addAll(expand(runpath, requester)));
        folders.addAll(systemFolders);
        return List.copyOf(folders);
    }

    private static List<String> expand(String searchPath, LoadedObject object) {
        List<String> folders = new ArrayList<>();
        for (String element : searchPath.split(":")) {
            String folder = element.replace("${ORIGIN}", object.origin().toString())
                    .replace("$ORIGIN", object.origin().toString())
                    .replace("${LIB}", "lib/x86_64-linux-gnu").replace("$LIB", "lib/x86_64-linux-gnu")
                    .replace("${PLATFORM}", "x86_64").replace("$PLATFORM", "x86_64");
            // Relative entries are relative to the working folder at run time, which a guest does not share.
            if (folder.startsWith("/")) {
                folders.add(Path.of(folder).normalize().toString());
            }
        }
        return folders;
    }

    /** A usable library at {@code path}: a regular file that is an x86-64 ELF64 object, else null. */
    private static Found candidate(Path path, String guestPath) {
        if (!Files.isRegularFile(path)) {
            return null;
        }
        try {
            ElfFile.read(path, ElfFile::type);
            return new Found(path, path.toRealPath(), GuestPath.of(guestPath));
        } catch (IOException | IllegalArgumentException e) {
            // The loader skips files of another class or machine and keeps searching; so do we.
            return null;
        }
    }

    private static Library loadInterpreter(Path program, String interpreter) throws JcapException {
        Path path = Path.of(interpreter);
        if (!interpreter.startsWith("/") || !Files.isRegularFile(path)) {
            throw new JcapException("program " + program + " needs the dynamic loader " + interpreter
                    + ", which does not exist on this machine");
        }
        try {
            return new Library(path.toRealPath(), GuestPath.of(interpreter), true);
        } catch (IOException e) {
            throw new JcapException("cannot read the dynamic loader " + interpreter + ": " + e.getMessage(), e);
        }
    }

    private static Optional<String> soname(Path file) {
        try {
            return ElfFile.read(file, ElfFile::dynamic).flatMap(ElfFile.Dynamic::soname);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static ElfFile.Dynamic readDynamic(Path program, Path library) throws JcapException {
        try {
            return ElfFile.read(library, ElfFile::dynamic).orElse(
                    new ElfFile.Dynamic(List.of(), Optional.empty(), Optional.empty(), Optional.empty()));
        } catch (IOException e) {
            throw new JcapException("cannot read library " + library + " of program " + program + ": "
                    + e.getMessage(), e);
        }
    }
}
