package io.jcap.builder.family.linux;

import io.jcap.builder.compose.TreeDelta;
import io.jcap.builder.compose.TreeManifest;
import io.jcap.builder.repository.ImageRepository;
import io.jcap.formats.DiskFormat;
import io.jcap.host.Cleanup;
import io.jcap.hypervisor.Accelerator;
import io.jcap.hypervisor.VmException;
import io.jcap.hypervisor.qemu.QemuImg;
import io.jcap.hypervisor.qemu.QemuInstallation;
import io.jcap.kernels.Initramfs;
import io.jcap.kernels.Kernel;
import io.jcap.model.EventSink;
import io.jcap.model.ImageTree;
import io.jcap.model.JcapException;
import io.jcap.streamer.GuestStreamer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A Linux build that starts from the image's previous build: its stored disk, copied, under a
 * qcow2 overlay the builder guest writes to; the guest mounts the file system instead of making
 * one and takes only what changed ({@link TreeDelta}, from the {@link TreeManifest} stored beside
 * the image); the overlay is then committed into the copy, which becomes the new image (compacted
 * once it has grown {@link #COMPACT_GROWTH} over the previous one). Whenever
 * the previous disk cannot serve (none, no manifest, a different size, file system, kernel, guest
 * protocol or file time, {@code --force}, or the guest failed on it) the caller builds from an
 * empty disk, and the reason is said.
 *
 * <pre>{@code
 * Optional<Path> disk = new IncrementalBuild(qemu, events, initrds).update(repository, job, manifest, tree, work);
 * }</pre>
 */
record IncrementalBuild(QemuInstallation qemu, EventSink events, BuilderVm.InitrdSource initrds) {
    /** How much a delta (or the image's growth) may be of the previous image before it is compacted: a tenth. */
    static final double COMPACT_GROWTH = 0.10;
    /** A QEMU ended by SIGINT or SIGTERM: 128 and the signal's number. */
    private static final int SIGINT_STATUS = 130;
    private static final int SIGTERM_STATUS = 143;
    /** How long such a QEMU's end waits for the JVM's own stop to show. */
    private static final Duration SIGNAL_WAIT = Duration.ofSeconds(2);

    /** What a disk was made for: a previous disk serves only when all of it is the same. */
    static SortedMap<String, String> diskFacts(long diskBytes, String fs, UUID root, Kernel kernel, int entries,
            long mtime) {
        SortedMap<String, String> facts = new TreeMap<>();
        facts.put("bytes", Long.toString(diskBytes));
        facts.put("fs", fs);
        facts.put("root", root.toString());
        facts.put("kernel", kernel.vmlinuzSha256().hex());
        facts.put("protocol", Integer.toString(Initramfs.GUEST_PROTOCOL));
        // mke2fs made this many inodes (0: its default for the size); more files may need more.
        facts.put("inodes", Long.toString(LinuxBoot.inodesFor(diskBytes, entries)));
        facts.put("mtime", Long.toString(mtime));
        return facts;
    }

    /** What is needed to build {@code tree}, whose manifest is {@code now}, from a previous disk. */
    record Target(String name, TreeManifest now, ImageTree tree, long diskBytes, Kernel kernel, Kernel builderKernel,
            String fs, UUID root, Accelerator accelerator, long fileTime) {
    }

    /**
     * The new image's disk, a qcow2 file in {@code work}, made from the previous build's; empty
     * (with the reason said) when a build from an empty disk is needed.
     */
    Optional<Path> update(ImageRepository repository, Target target, Path work) throws JcapException,
            InterruptedException {
        Optional<Previous> previous = previous(repository, target);
        if (previous.isEmpty()) {
            return Optional.empty();
        }
        TreeDelta delta = TreeDelta.between(previous.get().manifest(), target.now(), target.tree());
        Path base = work.resolve("incremental.qcow2");
        try {
            Files.copy(previous.get().image().file(), base);
        } catch (IOException e) {
            throw new JcapException("could not copy the previous image's disk " + previous.get().image().file() + ": "
                    + e.getMessage(), e);
        }
        if (delta.isEmpty()) {
            events.info("incremental: 0 changed, 0 removed, 0 bytes streamed (the disk's files are unchanged)");
            return Optional.of(base);
        }
        Path overlay = work.resolve("incremental-overlay.qcow2");
        QemuImg img = new QemuImg(qemu.qemuImg());
        try {
            img.createOverlay(base, overlay);
            GuestStreamer.StreamResult streamed = new BuilderVm(qemu, events).withFileTime(target.fileTime()).withInitrds(initrds).update(overlay, target.diskBytes(),
                    target.builderKernel(), target.fs(), target.root(), delta, target.tree().entries().size(),
                    target.accelerator(), work);
            events.info("Guest received " + streamed.sent().entries() + " entries, " + streamed.sent().bytes()
                    + " bytes (xxh64 verified)");
            events.info("incremental: " + delta.changed() + " changed, " + delta.removed().size() + " removed, "
                    + streamed.sent().bytes() + " bytes streamed");
            img.commit(overlay);
            Files.delete(overlay);
            return Optional.of(compacted(img, base, Files.size(previous.get().image().file()), streamed.sent().bytes(),
                    work));
        } catch (JcapException | IOException e) {
            if (interrupted(e)) {
                // Ctrl-C or a signal stopped the builder guest or qemu-img: nothing failed, and
                // nothing is to be built from scratch.
                deleteQuietly(overlay);
                deleteQuietly(base);
                throw new JcapException("stopped: jcap was interrupted", e);
            }
            if (hostFull(e)) {
                // A build from scratch needs more room than the delta did: it would only fail later.
                deleteQuietly(overlay);
                deleteQuietly(base);
                String message = String.valueOf(e.getMessage());
                throw new JcapException("the incremental build of " + target.name() + " failed: " + message
                        + (message.contains("free some space") ? "" : " (the host's disk is full: free some space and"
                        + " build again; the previous image is untouched)"), e);
            }
            events.info("The incremental build failed (" + e.getMessage() + "): building " + target.name()
                    + " from scratch");
            deleteQuietly(overlay);
            deleteQuietly(base);
            return Optional.empty();
        }
    }

    /**
     * Whether jcap is being stopped. A Ctrl-C reaches the whole process group, and the builder's
     * QEMU, dead of it (status 130, or 143 for SIGTERM), is at times seen before the JVM has begun
     * to stop: then the stop is waited for a moment rather than taken for the build's failure.
     */
    private static boolean interrupted(Throwable e) throws JcapException {
        if (Cleanup.shuttingDown()) {
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof VmException vm && vm.vmExitCode().isPresent()
                    && (vm.vmExitCode().getAsInt() == SIGINT_STATUS || vm.vmExitCode().getAsInt() == SIGTERM_STATUS)) {
                try {
                    return Cleanup.shuttingDownWithin(SIGNAL_WAIT);
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                    throw new JcapException("interrupted while the incremental build stopped", stop);
                }
            }
        }
        return false;
    }

    /**
     * Whether the host's disk ran out of room: the host's own writes (qemu-img) or the guest's
     * writes to the overlay failed for it. The guest's own file system filling up (the image's
     * disk too small for the new files) is not that: a build from scratch sizes a new disk.
     */
    static boolean hostFull(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (m.contains("the host's disk is likely full")
                    || m.contains("No space left on device") && !m.contains("the image's disk (")) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code disk}, or a compacted copy of it when the delta streamed, or the disk's growth, is
     * more than {@link #COMPACT_GROWTH} of the previous image: what the commit writes is not
     * compressed (it may even fill the clusters the guest's trim freed, so the file need not
     * grow), and freed blocks may still take clusters. Compacting costs a conversion of the whole
     * disk (about 0.6 s for 36 MB), so small deltas skip it.
     */
    private Path compacted(QemuImg img, Path disk, long previousBytes, long streamedBytes, Path work)
            throws JcapException, IOException {
        long now = Files.size(disk);
        long threshold = (long) (previousBytes * COMPACT_GROWTH);
        if (streamedBytes <= threshold && now <= previousBytes + threshold) {
            return disk;
        }
        Path compact = work.resolve("incremental-compact.qcow2");
        img.convert(disk, DiskFormat.QCOW2, compact, DiskFormat.QCOW2, true);
        events.info(String.format(Locale.ROOT, "incremental: compacted the disk from %.1f to %.1f MiB", now / 1048576.0,
                Files.size(compact) / 1048576.0));
        Files.delete(disk);
        return compact;
    }

    private record Previous(ImageRepository.StoredImage image, TreeManifest manifest) {
    }

    private Optional<Previous> previous(ImageRepository repository, Target target) {
        String name = target.name();
        Optional<ImageRepository.StoredImage> stored;
        try {
            stored = repository.find(name);
        } catch (JcapException broken) {
            // A broken image of that name is replaced by the build, as before incremental builds.
            events.info("Building " + name + " from scratch: " + broken.getMessage());
            return Optional.empty();
        }
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        if (ImageRepository.pulled(stored.get())) {
            // Its disk and file list are the registry's: a build here never starts from them.
            events.info("Building " + name + " from scratch: the image of that name was pulled, not built here");
            return Optional.empty();
        }
        TreeManifest manifest;
        try {
            manifest = TreeManifest.read(stored.get().folder().resolve(TreeManifest.FILE));
        } catch (NoSuchFileException e) {
            events.info("Building " + name + " from scratch: its previous image has no file list (built by an older"
                    + " jcap or pulled)");
            return Optional.empty();
        } catch (IOException e) {
            events.info("Building " + name + " from scratch: its previous image's file list is unreadable ("
                    + e.getMessage() + ")");
            return Optional.empty();
        }
        // The receiver links a file's further names only to a first name sent in the same stream,
        // so a delta cannot update one name of a hard-linked file alone.
        if (hasHardLinks(target.now()) || hasHardLinks(manifest)) {
            events.info("Building " + name + " from scratch: its files include hard links, which an incremental"
                    + " build does not update");
            return Optional.empty();
        }
        for (Map.Entry<String, String> fact : target.now().disk().entrySet()) {
            String was = manifest.disk().get(fact.getKey());
            if (!fact.getValue().equals(was)) {
                events.info("Building " + name + " from scratch: the disk's " + fact.getKey() + " changed (" + was
                        + ", now " + fact.getValue() + ")");
                return Optional.empty();
            }
        }
        return Optional.of(new Previous(stored.get(), manifest));
    }

    private static boolean hasHardLinks(TreeManifest manifest) {
        return manifest.entries().values().stream().anyMatch(f -> f.type() == 'h');
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // the work folder goes with the build
        }
    }
}
