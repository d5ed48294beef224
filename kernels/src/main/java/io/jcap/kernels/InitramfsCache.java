package io.jcap.kernels;

import io.jcap.host.CacheRetention;
import io.jcap.host.DigestCache;
import io.jcap.model.GuestPath;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Run and builder initramfs files kept in a folder by what they are made of: the guest init's SHA-256 and
 * the kernel's {@code kernel.json} (which records the SHA-256 of the kernel and of every module
 * the initramfs carries, checked by {@link KernelStore#get}). Composing an initramfs reads the
 * init and every module and indexes the modules' aliases, about a tenth of a second for Debian's
 * kernel; a build whose inputs did not change gets the file made last time, whose digest the
 * caller's {@link io.jcap.host.DigestCache} then remembers too.
 *
 * <p>Files are written whole and renamed into place, so a reader never sees half of one. The
 * {@link #KEEP} newest are kept; older ones go once they are over {@link #GRACE} old, so that a
 * build of another kernel running at the same moment does not lose the file it is reading.
 */
public final class InitramfsCache {
    /** Changes whenever what an initramfs is made of, or how, changes beyond the init's bytes. */
    private static final String VERSION = "jcap-run-initramfs-1";
    /** The same for builder initramfs files, added to the run one's key. */
    private static final String BUILDER_VERSION = "jcap-builder-initramfs-1";
    private static final String RUN_PREFIX = "run-";
    private static final String BUILDER_PREFIX = "builder-";
    /** How many initramfs files are kept at least. */
    static final int KEEP = 4;
    /** How old an initramfs beyond the {@link #KEEP} newest must be before it is deleted. */
    static final Duration GRACE = Duration.ofHours(1);

    private final Path dir;
    private final Initramfs initramfs;

    /** The cache in {@code dir}, made with jcap's own init. */
    public InitramfsCache(Path dir) {
        this(dir, new Initramfs());
    }

    InitramfsCache(Path dir, Initramfs initramfs) {
        this.dir = dir;
        this.initramfs = initramfs;
    }

    /** The run initramfs of {@code kernel} (already checked by {@link KernelStore#get}), made if not kept yet. */
    public Path run(Kernel kernel) throws JcapException {
        Path file = dir.resolve(RUN_PREFIX + key(kernel).hex().substring(0, 40) + ".img");
        if (Files.isRegularFile(file)) {
            return file;
        }
        initramfs.writeRunInitramfs(kernel, file);
        prune(file, RUN_PREFIX);
        return file;
    }

    /**
     * The builder initramfs of {@code kernel}: the run one's files plus the host tools the builder
     * guest runs (mke2fs, extlinux) and their libraries, whose digests ({@code digests}: read again
     * only when a file's identity changed) are part of its name, so that an upgraded e2fsprogs
     * makes a new one. Composing it took about 50 ms of every build.
     */
    public Path builder(Kernel kernel, DigestCache digests) throws JcapException {
        StringBuilder tools = new StringBuilder();
        try {
            for (Map.Entry<GuestPath, Path> file : initramfs.builderHostFiles().entrySet()) {
                tools.append("tool ").append(file.getKey().value()).append(' ').append(digests.sha256(file.getValue()).hex())
                        .append('\n');
            }
        } catch (IOException e) {
            throw new JcapException("cannot read the builder's host tools: " + e.getMessage(), e);
        }
        digests.save();
        Path file = dir.resolve(BUILDER_PREFIX + key(kernel, BUILDER_VERSION + "\n" + tools).hex().substring(0, 40)
                + ".img");
        if (Files.isRegularFile(file)) {
            return file;
        }
        initramfs.writeBuilderInitramfs(kernel, file);
        prune(file, BUILDER_PREFIX);
        return file;
    }

    private Sha256 key(Kernel kernel) throws JcapException {
        return key(kernel, "");
    }

    private Sha256 key(Kernel kernel, String more) throws JcapException {
        Path manifest = kernel.folder().resolve(KernelManifest.FILE_NAME);
        try {
            String text = VERSION + "\ninit " + initramfs.initSha256() + "\nkernel " + kernel.name() + " "
                    + Sha256.of(manifest) + "\n" + more;
            return Sha256.of(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new JcapException("cannot read " + manifest + ": " + e.getMessage(), e);
        }
    }

    private void prune(Path keep, String prefix) {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> list = Files.list(dir)) {
            list.filter(f -> f.getFileName().toString().startsWith(prefix) && !f.equals(keep)).forEach(files::add);
        } catch (IOException e) {
            return;
        }
        for (Path f : CacheRetention.expired(files, InitramfsCache::modified, KEEP, Instant.now().minus(GRACE))) {
            try {
                Files.deleteIfExists(f);
            } catch (IOException e) {
                // Tried again after the next new one.
            }
        }
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }
}
