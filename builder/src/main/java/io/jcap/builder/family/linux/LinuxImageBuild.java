package io.jcap.builder.family.linux;

import io.jcap.builder.api.BuildResult;
import io.jcap.builder.api.JcapHome;
import io.jcap.builder.compose.ImageComposer;
import io.jcap.builder.compose.TreeDigests;
import io.jcap.builder.compose.TreeManifest;
import io.jcap.builder.family.Accelerators;
import io.jcap.builder.family.KernelFamily;
import io.jcap.builder.repository.DiskCommit;
import io.jcap.builder.repository.ImageMetadata;
import io.jcap.builder.repository.ImageRepository;
import io.jcap.capstanfile.Capstanfile;
import io.jcap.formats.cpio.CpioWriter;
import io.jcap.host.DigestCache;
import io.jcap.host.TempFiles;
import io.jcap.hypervisor.Accelerator;
import io.jcap.hypervisor.qemu.QemuInstallation;
import io.jcap.builder.compose.ImageDefaults;
import io.jcap.kernels.GrubEfi;
import io.jcap.kernels.Initramfs;
import io.jcap.kernels.InitramfsCache;
import io.jcap.kernels.Kernel;
import io.jcap.kernels.KernelStore;
import io.jcap.model.EventSink;
import io.jcap.model.FileContent;
import io.jcap.model.GuestPath;
import io.jcap.model.ImageTree;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import io.jcap.streamer.GuestStreamer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Builds a Linux image: jcap's init in a builder VM fills an ext4 (or ext2) disk with the
 * composed tree, which is stored with the kernel, initramfs and command line beside it for a
 * direct boot, and the tree's manifest. Unchanged inputs reuse the stored image; changed ones
 * start from the previous build's disk when it can serve ({@link IncrementalBuild}).
 */
final class LinuxImageBuild {
    /** The {@link InitramfsCache}'s folder, in jcap's cache folder. */
    static final String INITRAMFS = "initramfs";
    /** Where the EFI system partition's GRUB is kept, in jcap's cache. */
    static final String GRUB_EFI = "grub-efi";

    private final JcapHome home;
    private final EventSink events;

    LinuxImageBuild(JcapHome home, EventSink events) {
        this.home = home;
        this.events = events;
    }

    BuildResult build(KernelFamily.BuildJob job) throws JcapException, InterruptedException {
        String name = job.imageName();
        // A container image's file bytes wait here until the builder VM has received them.
        Path scratch = job.capstanfile().from().isPresent() ? TempFiles.register(home.newWorkDir("from-")) : null;
        try {
            return build(job, name, LinuxInputs.of(job.capstanfile(), home, events, Optional.ofNullable(scratch)));
        } finally {
            TempFiles.delete(scratch);
        }
    }

    /**
     * {@link KernelFamily#prepare}: the kernel a plain package names (no {@code from:}) is checked
     * and its initramfs looked up, as {@link #build} does first.
     */
    static void prepare(JcapHome home, Capstanfile c) throws JcapException {
        if (c.from().isPresent()) {
            return;
        }
        KernelStore store = new KernelStore(home.kernels());
        Kernel kernel = store.get(c.kernel().orElse(ImageDefaults.kernel()));
        if (kernel.family().equals(Kernel.LINUX)) {
            new InitramfsCache(home.cache().resolve(INITRAMFS)).run(kernel);
        }
    }

    private BuildResult build(KernelFamily.BuildJob job, String name, LinuxInputs inputs)
            throws JcapException, InterruptedException {
        KernelStore store = new KernelStore(home.kernels());
        Kernel kernel = store.get(inputs.kernelName());
        if (!kernel.family().equals(Kernel.LINUX)) {
            throw new JcapException("kernel '" + kernel.name() + "' is an " + kernel.family() + " kernel, not a Linux one:"
                    + " name a Linux kernel (kernel: in the Capstanfile, or " + ImageDefaults.KERNEL_VARIABLE + ")");
        }
        // A store kept from an older jcap: the image builds, without what the missing modules give.
        io.jcap.kernels.LinuxFlavour.staleness(kernel).ifPresent(events::warn);
        // Made once per kernel and init: composing it reads every module.
        Path initrd = new InitramfsCache(home.cache().resolve(INITRAMFS)).run(kernel);
        UUID root = LinuxBoot.rootUuid(name);
        ImageTree tree = ImageComposer.compose(inputs.application(), inputs.config(),
                LinuxBoot.bootFiles(kernel, hostFile(initrd), inputs.fs(), root));
        ImageComposer.checkCommand(tree, inputs.config());
        List<GuestPath> hidden = ImageComposer.hiddenWhenRunning(inputs.application());
        if (!hidden.isEmpty()) {
            events.warn(hidden.size() + (hidden.size() == 1 ? " file" : " files") + " of the image (" + hidden.get(0)
                    + (hidden.size() > 1 ? ", ..." : "") + ") will not be seen when it runs: the guest mounts devtmpfs,"
                    + " proc, sysfs and a fresh tmpfs on /dev, /proc, /sys and /tmp; put them elsewhere");
        }
        long diskBytes = inputs.diskBytes(tree.allocatedBytes(4096));
        long fileTime = job.request().fileTime().orElse(CpioWriter.defaultMtime());
        ImageRepository repository = new ImageRepository(home.images());
        Path work = TempFiles.register(home.newWorkDir("build-"));
        Path disk = work.resolve("disk.raw");
        Builder builder = null;
        BuilderVm.Started guest = null;
        try {
            // A forced build, or the first of this name (or one replacing a broken image), fills a
            // new disk whatever the files' digests say: the builder guest boots while they are read
            // (about a second of boot beside the host's part, seconds when the files are new to the
            // digest cache).
            if (job.request().force() || repository.usable(name).isEmpty()) {
                builder = builder(store, kernel, job);
                guest = builder.startFill(fileTime, disk, diskBytes, inputs.fs(), root, tree.entries().size(), work);
            }
            // The files' digests, read only where a file's identity changed since it was last read.
            DigestCache fileDigests = TreeDigests.fileCache(home.cache());
            TreeDigests digests = TreeDigests.of(tree, fileTime, fileDigests);
            fileDigests.save();
            Sha256 treeDigest = digests.tree();
            Sha256 inputsDigest = LinuxInputs.inputsDigest(treeDigest, inputs, diskBytes, kernel);

            // An image stored before images kept their direct-boot files is built again to get them.
            Optional<ImageRepository.StoredImage> existing = guest != null ? Optional.empty()
                    : repository.upToDate(name, inputsDigest);
            if (existing.isPresent() && DirectBoot.of(existing.get().folder()).isEmpty()) {
                existing = Optional.empty();
            }
            if (!job.request().force() && existing.isPresent()) {
                events.info("Image " + name + " is up to date (inputs unchanged)");
                return new BuildResult(existing.get(), true);
            }

            if (builder == null) {
                builder = builder(store, kernel, job);
            }
            TreeManifest manifest = TreeManifest.of(tree, IncrementalBuild.diskFacts(diskBytes, inputs.fs(), root, kernel,
                    tree.entries().size(), fileTime), digests.files());
            DiskCommit.Extras extras = staging -> {
                DirectBoot.stage(staging, kernel.vmlinuz(), kernel.vmlinuzSha256(), Files.readAllBytes(initrd),
                        LinuxBoot.runAppend(inputs.fs(), root));
                manifest.write(staging.resolve(TreeManifest.FILE));
            };
            ImageMetadata.Builder metadata = ImageMetadata.builder(name)
                    .created(Instant.now())
                    .inputsDigest(inputsDigest)
                    .streamDigest(treeDigest)
                    .kernel(kernel.name(), kernel.vmlinuzSha256())
                    .cmdline(inputs.cmdline())
                    .fs(inputs.fs())
                    .accelerator(builder.accelerator().qemuName())
                    .runDefaults(inputs.memoryMiB(), inputs.cpus(), inputs.ports())
                    .guestProtocol(Initramfs.GUEST_PROTOCOL);
            if (guest == null) {
                Optional<Path> updated = new IncrementalBuild(builder.qemu(), events, builder.initrds()).update(repository,
                        new IncrementalBuild.Target(name, manifest, tree, diskBytes, kernel, builder.kernel(),
                                inputs.fs(), root, builder.accelerator(), fileTime), work);
                if (updated.isPresent()) {
                    TreeDigests.refuseChanged(fileDigests);
                    return new BuildResult(DiskCommit.commitQcow2(repository, updated.get(), diskBytes, extras,
                            metadata), false);
                }
                guest = builder.startFill(fileTime, disk, diskBytes, inputs.fs(), root, tree.entries().size(), work);
            } else if (job.request().force()) {
                events.info("Building " + name + " from scratch (forced)");
            }
            GuestStreamer.StreamResult streamed = guest.stream(List.of(), tree.entries());
            TreeDigests.refuseChanged(fileDigests);
            events.info("Guest received " + streamed.sent().entries() + " entries, " + streamed.sent().bytes()
                    + " bytes (xxh64 verified)");
            return new BuildResult(DiskCommit.commit(repository, builder.qemu(), disk, events, extras, metadata), false);
        } finally {
            if (guest != null) {
                guest.close();
            }
            TempFiles.delete(work);
        }
    }

    /** What boots the builder guest: QEMU, the accelerator, and the builder's kernel. */
    private record Builder(QemuInstallation qemu, Accelerator accelerator, Kernel kernel, EventSink events,
            BuilderVm.InitrdSource initrds, GrubEfi grub) {
        /** Creates the raw {@code disk} and starts the builder guest on it ({@link BuilderVm#startFill}). */
        BuilderVm.Started startFill(long fileTime, Path disk, long diskBytes, String fs, UUID root, int entries,
                Path work) throws JcapException, InterruptedException {
            return new BuilderVm(qemu, events).withFileTime(fileTime).withInitrds(initrds).withGrub(grub)
                    .startFill(disk, diskBytes, kernel, fs, root, entries, accelerator, work);
        }
    }

    private Builder builder(KernelStore store, Kernel kernel, KernelFamily.BuildJob job) throws JcapException {
        QemuInstallation qemu = QemuInstallation.detect(home.cache());
        Accelerator accelerator = Accelerators.choose(qemu, home, job.request().accelerator(), events);
        // The builder guest boots jcap's tailored kernel when it is stored (faster builds).
        return new Builder(qemu, accelerator, BuilderKernel.choose(store, kernel, events), events,
                BuilderVm.InitrdSource.cached(home.cache()), new GrubEfi().cachedIn(home.cache().resolve(GRUB_EFI)));
    }

    private static FileContent hostFile(Path file) throws JcapException {
        try {
            return FileContent.of(file);
        } catch (IOException e) {
            throw new JcapException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
