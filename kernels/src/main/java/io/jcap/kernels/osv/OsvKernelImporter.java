package io.jcap.kernels.osv;

import io.jcap.host.SystemTemp;
import io.jcap.host.TempFiles;
import io.jcap.kernels.Kernel;
import io.jcap.kernels.KernelDownload;
import io.jcap.kernels.KernelDraft;
import io.jcap.kernels.KernelKind;
import io.jcap.kernels.KernelStore;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Puts OSv's kernel files into the {@link KernelStore}, recognised by content
 * ({@link OsvKernels#inspect}) and stored decompressed: a loader image as {@code osv}, a ZFS
 * builder kernel as {@code osv-zfs-builder}, unless named otherwise. A pulled file must match the
 * SHA-256 the user gives before it is even looked at.
 *
 * <pre>{@code
 * OsvKernelImporter osv = new OsvKernelImporter();
 * osv.importFile(Path.of("osv-loader.qemu.x86_64"), Optional.empty(), store, events);           // "osv"
 * osv.pull(URI.create("https://.../osv-zfs-builder.elf.x86_64.gz"), sha, Optional.empty(), store, tmp, events);
 * }</pre>
 */
public final class OsvKernelImporter {
    /**
     * OSv's version as its kernel prints it ({@code v0.57.0-398-g0e34e4dc}): read from the
     * builder kernel, or from the kernel inside a loader; {@value #VERSION} when it cannot be read.
     */
    static String version(Path file, OsvKernelKind kind) {
        try {
            if (kind == OsvKernelKind.LOADER_IMAGE) {
                return OsvKernelElf.extract(file).map(OsvKernelElf::version).orElse(VERSION);
            }
            return OsvKernelElf.version(Files.readAllBytes(file));
        } catch (IOException e) {
            return VERSION; // the file was just read whole: only the version is missing
        }
    }

    /** The store name of a loader image unless told otherwise: what {@code kernel: osv} boots. */
    public static final String LOADER_NAME = "osv";
    /** The store name of a ZFS builder kernel unless told otherwise: what {@code fs: zfs} builds with. */
    public static final String ZFS_BUILDER_NAME = "osv-zfs-builder";
    /** The version of an OSv file whose kernel jcap cannot read (a loader of another build). */
    static final String VERSION = "unknown";
    static final String FLAVOUR = "custom";

    private final KernelDownload download;

    public OsvKernelImporter() {
        this(new KernelDownload());
    }

    public OsvKernelImporter(KernelDownload download) {
        this.download = download;
    }

    /** The name a kernel of this kind is stored under when the user gives none. */
    public static String defaultName(OsvKernelKind kind) {
        return kind == OsvKernelKind.LOADER_IMAGE ? LOADER_NAME : ZFS_BUILDER_NAME;
    }

    /** The store's kind for an OSv kernel kind. */
    public static KernelKind storeKind(OsvKernelKind kind) {
        return kind == OsvKernelKind.LOADER_IMAGE ? KernelKind.OSV_LOADER : KernelKind.OSV_ZFS_BUILDER;
    }

    /**
     * Stores {@code file} (raw or gzip-compressed) under {@code name} or the default name of its
     * kind, with origin {@code import:<file name>}.
     *
     * @throws NotAnOsvKernelException when the file is neither kind
     */
    public Kernel importFile(Path file, Optional<String> name, KernelStore store, EventSink events)
            throws JcapException {
        if (name.isPresent()) {
            KernelStore.requireName(name.get());
        }
        return store(file, "import:" + file.getFileName(), name, store, events);
    }

    /**
     * Downloads {@code url}, checks it against {@code expected} and stores it like
     * {@link #importFile}, with origin {@code url:<url>}. Nothing is stored unless the digest
     * matches; the download lives in a private folder under {@code tempDir}, deleted at the end.
     */
    public Kernel pull(URI url, Sha256 expected, Optional<String> name, KernelStore store, Path tempDir,
                       EventSink events) throws JcapException, InterruptedException {
        if (name.isPresent()) {
            KernelStore.requireName(name.get());
        }
        Path work = createWorkFolder(tempDir);
        try {
            Path file = work.resolve(safeFileName(url));
            events.info("Downloading " + url);
            download.fetch(url, expected, file, events);
            events.info("SHA-256 verified: " + expected);
            try {
                return store(file, "url:" + url, name, store, events);
            } catch (NotAnOsvKernelException e) {
                throw new JcapException("the file downloaded from " + url + " is neither an OSv loader image nor an OSv"
                        + " ZFS builder kernel (" + e.reason() + "); nothing was stored: check the URL", e);
            }
        } finally {
            TempFiles.delete(work);
        }
    }

    private Kernel store(Path file, String origin, Optional<String> name, KernelStore store, EventSink events)
            throws JcapException {
        OsvKernelFile recognised = OsvKernels.inspect(file);
        String storeName = name.orElse(defaultName(recognised.kind()));
        Path work = createWorkFolder(null);
        try {
            Path raw = file;
            if (recognised.gzipped()) {
                raw = work.resolve("kernel.raw");
                OsvKernels.copyUncompressed(file, raw);
            }
            Kernel kernel = store.add(new KernelDraft(storeName, storeKind(recognised.kind()),
                    version(raw, recognised.kind()), FLAVOUR, origin, raw, List.of()));
            events.info("Stored kernel " + storeName + ": " + recognised.kind().description()
                    + (recognised.gzipped() ? " (decompressed)" : "") + ", "
                    + io.jcap.model.ByteSize.human(recognised.size()) + ", SHA-256 " + kernel.imageSha256());
            return kernel;
        } finally {
            TempFiles.delete(work);
        }
    }

    /** The URL's last path segment if it is a plain file name, so that messages name what was asked for. */
    static String safeFileName(URI url) {
        String path = url.getPath() == null ? "" : url.getPath();
        String last = path.substring(path.lastIndexOf('/') + 1);
        return last.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}") ? last : "download";
    }

    private static Path createWorkFolder(Path parent) throws JcapException {
        try {
            if (parent == null) {
                return TempFiles.create(SystemTemp.folder(), "jcap-osv-kernel-");
            }
            return TempFiles.create(parent, "kernel-download-");
        } catch (IOException e) {
            throw new JcapException("cannot create a temporary folder" + (parent == null ? "" : " in " + parent) + ": "
                    + e.getMessage(), e);
        }
    }
}
