package io.jcap.kernels;

import io.jcap.host.DigestCache;
import io.jcap.host.Durable;
import io.jcap.host.FileTrees;
import io.jcap.host.FolderLock;
import io.jcap.model.EnvironmentException;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The kernels jcap can boot, one folder each under jcap home's {@code kernels/}: the image file
 * ({@code <name>/vmlinuz} for Linux, {@code loader.img} or {@code zfs-builder.elf} for OSv), a
 * Linux kernel's {@code <name>/modules/*.ko}, and {@code <name>/kernel.json}. A kernel is
 * written in a staging folder inside the store and moved into place atomically, under a lock; every
 * {@link #get} checks every file against the SHA-256 recorded for it. A file is read for that
 * once, and again whenever its identity changes (size, times, inode: {@link DigestCache}, kept
 * in {@code .digests}): a kernel is 3 to 14 MB and its modules more, read on every build and
 * run otherwise, while anything that alters a file changes its ctime.
 *
 * <pre>{@code
 * KernelStore store = new KernelStore(jcapHome.resolve("kernels"));
 * Kernel kernel = store.get("linux");
 * }</pre>
 */
public final class KernelStore {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final String STAGING_PREFIX = ".staging-";
    private static final String TRASH_PREFIX = ".trash-";

    /** The store's {@link DigestCache}, beside the kernels' folders. */
    static final String DIGESTS = ".digests";

    private final Path dir;
    private final DigestCache digests;

    public KernelStore(Path dir) {
        this(dir, DigestCache.at(dir.toAbsolutePath().normalize().resolve(DIGESTS)));
    }

    /** A store that remembers its files' digests in {@code digests}. */
    KernelStore(Path dir, DigestCache digests) {
        this.dir = dir.toAbsolutePath().normalize();
        this.digests = digests;
    }

    public Path dir() {
        return dir;
    }

    /** True when a kernel of this name is stored (its files are not checked). */
    public boolean contains(String name) {
        return NAME.matcher(name).matches() && Files.isRegularFile(dir.resolve(name).resolve(KernelManifest.FILE_NAME));
    }

    /** The names of the stored kernels, sorted. */
    public List<String> names() throws JcapException {
        List<String> names = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return names;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (NAME.matcher(name).matches() && Files.isRegularFile(entry.resolve(KernelManifest.FILE_NAME))) {
                    names.add(name);
                }
            }
        } catch (IOException e) {
            throw new JcapException("cannot list the kernels in " + dir + ": " + e.getMessage(), e);
        }
        names.sort(null);
        return names;
    }

    /**
     * The stored kernels as their {@code kernel.json} describes them, sorted by name. Their files
     * are not checked here; call {@link #get} before using one.
     */
    public List<Kernel> list() throws JcapException {
        Listing listing = listing();
        if (!listing.broken().isEmpty()) {
            throw new JcapException(listing.broken().get(0).problem());
        }
        return listing.kernels();
    }

    /** A stored kernel whose {@code kernel.json} cannot be read; {@code problem} says what to do. */
    public record BrokenKernel(String name, String problem) {
    }

    /** The readable kernels and, apart, the broken ones, each sorted by name. */
    public record Listing(List<Kernel> kernels, List<BrokenKernel> broken) {
        public Listing {
            kernels = List.copyOf(kernels);
            broken = List.copyOf(broken);
        }
    }

    /**
     * The stored kernels as {@link #list} gives them, with those whose record cannot be read
     * listed apart instead of failing the whole listing.
     */
    public Listing listing() throws JcapException {
        List<Kernel> kernels = new ArrayList<>();
        List<BrokenKernel> broken = new ArrayList<>();
        try (FolderLock lock = FolderLock.acquire(dir, false)) {
            for (String name : names()) {
                try {
                    kernels.add(toKernel(readManifest(name)));
                } catch (JcapException e) {
                    broken.add(new BrokenKernel(name, e.getMessage()));
                }
            }
        } catch (IOException e) {
            throw new JcapException("cannot lock the kernel store " + dir + ": " + io.jcap.model.FailureReason.withFile(e), e);
        }
        return new Listing(kernels, broken);
    }

    /**
     * What makes a damaged kernel of that name again: a pull or a build replaces a damaged kernel
     * of jcap's own names without being told to; a kernel the user imported is imported again with
     * {@code --force}, or removed.
     */
    static String again(String name) {
        return switch (name) {
            case "linux", "linux-generic" -> "pull it again with 'jcap kernels pull " + name + "'";
            case "linux-mini" -> "build it again with 'jcap kernels build linux-mini' (a few minutes)";
            default -> "pull or import it again (with --force, which replaces it), or remove it with"
                    + " 'jcap kernels rm " + name + "'";
        };
    }

    /**
     * A stored kernel whose record cannot be read, or one of whose files is missing or no longer
     * has its recorded SHA-256; {@link #problem()} says which, the message adds what to do.
     */
    public static final class DamagedKernelException extends JcapException {
        private static final long serialVersionUID = 1L;
        private final String problem;

        DamagedKernelException(String name, String problem, Throwable cause) {
            super(problem + "; " + again(name), cause);
            this.problem = problem;
        }

        /** What is wrong, without the remedy. */
        public String problem() {
            return problem;
        }
    }

    /** What makes a missing kernel of that name: the command for jcap's own names, else a pull or an import. */
    static String howToGet(String name) {
        return switch (name) {
            case "linux", "linux-generic" -> "pull it with 'jcap kernels pull " + name + "'";
            // jcap's tailored kernel (io.jcap.kernels.mini.MiniKernelBuild.NAME) is built, not pulled.
            case "linux-mini" -> "build it with 'jcap kernels build linux-mini' (a few minutes, once)";
            default -> "pull it with 'jcap kernels pull' or import one with 'jcap kernels import FILE'";
        };
    }

    /**
     * The kernel called {@code name}, every file checked against its recorded SHA-256.
     *
     * @throws JcapException when it is not stored; {@link DamagedKernelException} when a file is
     *     missing or altered (naming the file and how to make the kernel again)
     */
    public Kernel get(String name) throws JcapException {
        requireName(name);
        try (FolderLock lock = FolderLock.acquire(dir, false)) {
            if (!contains(name)) {
                throw new EnvironmentException("kernel '" + name + "' is not in " + dir + ": " + howToGet(name));
            }
            KernelManifest manifest = readManifest(name);
            Path folder = dir.resolve(name);
            // Digests are remembered under the files' real paths: homes that reach one store
            // through a link (the tests' do) share its entries instead of adding their own.
            Path real = folder.toRealPath();
            for (KernelManifest.FileEntry entry : manifest.files()) {
                verify(name, folder, real, entry);
            }
            digests.save();
            return toKernel(manifest);
        } catch (IOException e) {
            throw new JcapException("cannot read kernel '" + name + "' in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Copies a kernel into the store under {@code draft.name()}, replacing a kernel of that name
     * atomically: readers see the old kernel or the new one, never a mix.
     */
    public Kernel add(KernelDraft draft) throws JcapException {
        try (FolderLock lock = FolderLock.acquire(dir, true)) {
            removeLeftovers();
            Path staging = Files.createTempDirectory(dir, STAGING_PREFIX);
            try {
                KernelManifest manifest = stage(draft, staging);
                Durable.syncTree(staging);
                Path target = dir.resolve(draft.name());
                Path trash = null;
                if (Files.exists(target)) {
                    trash = Files.createTempDirectory(dir, TRASH_PREFIX).resolve(draft.name());
                    Files.move(target, trash, StandardCopyOption.ATOMIC_MOVE);
                }
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
                Durable.syncFolder(dir);
                if (trash != null) {
                    FileTrees.delete(trash.getParent());
                }
                return toKernel(manifest);
            } finally {
                if (Files.exists(staging)) {
                    FileTrees.delete(staging);
                }
            }
        } catch (IOException e) {
            throw new JcapException("cannot store kernel '" + draft.name() + "' in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Deletes a stored kernel; false when there was none of that name. */
    public boolean remove(String name) throws JcapException {
        requireName(name);
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (FolderLock lock = FolderLock.acquire(dir, true)) {
            Path folder = dir.resolve(name);
            if (!Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
            Path trash = Files.createTempDirectory(dir, TRASH_PREFIX);
            Files.move(folder, trash.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            Durable.syncFolder(dir);
            FileTrees.delete(trash);
            return true;
        } catch (IOException e) {
            throw new JcapException("cannot remove kernel '" + name + "' from " + dir + ": " + e.getMessage(), e);
        }
    }

    private KernelManifest stage(KernelDraft draft, Path staging) throws IOException, JcapException {
        List<KernelManifest.FileEntry> files = new ArrayList<>();
        files.add(copy(draft.image(), staging, draft.kind().fileName()));
        List<String> loadOrder = new ArrayList<>();
        for (Path module : draft.modules()) {
            String file = module.getFileName().toString();
            files.add(copy(module, staging, KernelManifest.MODULES + "/" + file));
            loadOrder.add(file);
        }
        String kind = draft.kind() == KernelKind.BZIMAGE ? null : draft.kind().id();
        KernelManifest manifest = new KernelManifest(draft.name(), draft.kind().family(), kind, draft.version(),
                draft.flavour(), draft.origin(), files, loadOrder);
        manifest.write(staging.resolve(KernelManifest.FILE_NAME));
        return manifest;
    }

    private static KernelManifest.FileEntry copy(Path source, Path staging, String relative)
            throws IOException, JcapException {
        if (!Files.isRegularFile(source)) {
            throw new JcapException("kernel file " + source + " does not exist or is not a regular file");
        }
        Path target = staging.resolve(relative);
        Files.createDirectories(target.getParent());
        Files.copy(source, target);
        return new KernelManifest.FileEntry(relative, Sha256.of(target).hex(), Files.size(target));
    }

    private void verify(String name, Path folder, Path realFolder, KernelManifest.FileEntry entry)
            throws IOException, JcapException {
        Path file = folder.resolve(entry.path());
        if (!Files.isRegularFile(file)) {
            throw new DamagedKernelException(name, "kernel '" + name + "' is incomplete: " + file + " is missing",
                    null);
        }
        if (!digests.sha256(realFolder.resolve(entry.path())).hex().equals(entry.sha256())) {
            throw new DamagedKernelException(name, "kernel '" + name + "' is corrupt: " + file
                    + " does not match the SHA-256 recorded in kernel.json", null);
        }
    }

    private KernelManifest readManifest(String name) throws JcapException {
        Path file = dir.resolve(name).resolve(KernelManifest.FILE_NAME);
        try {
            KernelManifest manifest = KernelManifest.read(file);
            if (!manifest.name().equals(name)) {
                throw new IOException("it names kernel '" + manifest.name() + "'");
            }
            return manifest;
        } catch (IOException e) {
            throw new DamagedKernelException(name, "kernel '" + name + "' has an unreadable " + file + " ("
                    + e.getMessage() + ")", e);
        }
    }

    private Kernel toKernel(KernelManifest manifest) {
        Path folder = dir.resolve(manifest.name());
        KernelKind kind = manifest.kernelKind();
        KernelManifest.FileEntry image = manifest.files().stream()
                .filter(f -> f.path().equals(kind.fileName())).findFirst().orElseThrow();
        List<Path> modules = manifest.moduleLoadOrder().stream()
                .map(m -> folder.resolve(KernelManifest.MODULES).resolve(m)).toList();
        return new Kernel(manifest.name(), manifest.family(), kind, manifest.version(), manifest.flavour(),
                manifest.origin(), folder, folder.resolve(kind.fileName()), new Sha256(image.sha256()), modules);
    }

    /** Staging and trash folders a killed process left behind (only ever touched under the lock). */
    private void removeLeftovers() throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, ".{staging,trash}-*")) {
            for (Path entry : entries) {
                FileTrees.delete(entry);
            }
        }
    }

    static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(nameProblem(name));
        }
    }

    /** Whether {@code name} is a kernel name ({@link #requireName} without the exception). */
    public static boolean isName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** Checks that {@code name} can name a kernel (letters, digits, dot, underscore, dash; at most 64). */
    public static void requireName(String name) throws JcapException {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new JcapException(nameProblem(name));
        }
    }

    /** What is wrong with {@code name} as a kernel name. */
    public static String nameProblem(String name) {
        return "'" + name + "' is not a kernel name (letters, digits, '.', '_', '-', at most 64, "
                + "starting with a letter or digit)";
    }
}
