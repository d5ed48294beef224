package io.jcap.builder.family.osv;

import io.jcap.builder.api.BuildRequest;
import io.jcap.builder.api.BuildResult;
import io.jcap.builder.api.JcapHome;
import io.jcap.builder.compose.TreeDigests;
import io.jcap.builder.family.Accelerators;
import io.jcap.builder.repository.DiskCommit;
import io.jcap.builder.repository.ImageMetadata;
import io.jcap.builder.repository.ImageRepository;
import io.jcap.formats.cpio.CpioWriter;
import io.jcap.host.DigestCache;
import io.jcap.host.TempFiles;
import io.jcap.hypervisor.Accelerator;
import io.jcap.hypervisor.qemu.QemuInstallation;
import io.jcap.kernels.Kernel;
import io.jcap.kernels.osv.OsvDisk;
import io.jcap.kernels.osv.ZfsBuilderCmdline;
import io.jcap.model.EventSink;
import io.jcap.model.FsType;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * Builds an OSv image into the repository: ROFS written on the host (no VM, same inputs same
 * bytes), or ZFS through OSv's builder VM; then a compressed qcow2 with its metadata and
 * moved into place atomically. Unchanged inputs reuse the stored image.
 */
final class OsvImageBuild {
    /** Changes whenever the meaning of the inputs digest changes, so old images are rebuilt. */
    private static final String DIGEST_VERSION = "jcap-osv-image-2";
    /** OSv images carry no jcap init, so they take no run-time settings. */
    private static final int OSV_GUEST_PROTOCOL = 0;

    private final JcapHome home;
    private final EventSink events;
    private final Optional<String> builderCmdline;
    private final CpiodBuilderVm.Timeouts timeouts;

    /**
     * @param builderCmdline replaces the builder kernel's known command line (ZFS only)
     */
    OsvImageBuild(JcapHome home, EventSink events, Optional<String> builderCmdline, CpiodBuilderVm.Timeouts timeouts) {
        this.home = home;
        this.events = events;
        this.builderCmdline = builderCmdline.filter(s -> !s.isBlank());
        this.timeouts = timeouts;
    }

    BuildResult build(String name, OsvInputs inputs, BuildRequest request) throws JcapException, InterruptedException {
        boolean zfs = inputs.fs() == FsType.ZFS;
        String cmdline = zfs ? inputs.cmdline() : OsvRofsImage.cmdline(inputs.cmdline());
        OsvDisk.cmdlineArea(cmdline);
        long diskBytes = 0;
        String builderLine = null;
        if (zfs) {
            diskBytes = OsvZfsDisk.diskBytes(size(inputs.loader().image()), inputs.tree().contentBytes(), inputs.size());
            builderLine = ZfsBuilderCmdline.forKernel(inputs.zfsBuilder().orElseThrow().image(), builderCmdline);
        } else if (inputs.size().isPresent()) {
            events.warn("size " + inputs.size().get() + " is ignored: a rofs image is as big as its files");
        }
        SortedMap<String, String> configSets = inputs.configSets().isEmpty() ? new TreeMap<>()
                : inputs.configSets().get().stored(zfs ? UnaryOperator.identity() : OsvRofsImage::cmdline,
                events);
        // The files' digests, read only where a file's identity changed since it was last read.
        DigestCache fileDigests = TreeDigests.fileCache(home.cache());
        Sha256 streamDigest = TreeDigests.of(inputs.tree(), CpioWriter.defaultMtime(), fileDigests).tree();
        fileDigests.save();
        Sha256 inputsDigest = inputsDigest(streamDigest, inputs, cmdline, diskBytes, builderLine, configSets);

        ImageRepository repository = new ImageRepository(home.images());
        Optional<ImageRepository.StoredImage> existing = repository.upToDate(name, inputsDigest);
        if (!request.force() && existing.isPresent()) {
            events.info("Image " + name + " is up to date (inputs unchanged)");
            return new BuildResult(existing.get(), true);
        }

        QemuInstallation qemu = QemuInstallation.detect(home.cache());
        Path work = TempFiles.register(home.newWorkDir("build-"));
        try {
            Path disk = work.resolve("disk.raw");
            String accelerator = null;
            if (zfs) {
                Accelerator chosen = Accelerators.choose(qemu, home, request.accelerator(), events);
                accelerator = chosen.qemuName();
                new OsvZfsDisk(qemu, events, timeouts).write(inputs.loader(), inputs.zfsBuilder().orElseThrow(),
                        builderLine, diskBytes, inputs.tree().entries(), cmdline, disk, chosen);
            } else {
                OsvRofsImage.write(inputs.loader().image(), inputs.tree().entries(), inputs.cmdline(), disk, events);
            }
            TreeDigests.refuseChanged(fileDigests);
            Kernel loader = inputs.loader();
            DiskCommit.Extras directBoot = directBoot(loader);
            if (zfs) {
                // jcap cannot read ZFS on the host: images ls reads what went in.
                DiskCommit.Extras boot = directBoot;
                directBoot = staging -> {
                    boot.write(staging);
                    ZfsFileList.write(inputs.tree().entries(), staging.resolve(ZfsFileList.FILE));
                };
            }
            ImageMetadata.Builder metadata = ImageMetadata.builder(name)
                    .created(Instant.now())
                    .inputsDigest(inputsDigest)
                    .streamDigest(streamDigest)
                    .kernel(loader.name(), loader.imageSha256())
                    .cmdline(cmdline)
                    .fs(inputs.fs().id())
                    .accelerator(accelerator)
                    .runDefaults(inputs.memoryMiB(), inputs.cpus(), inputs.ports())
                    .guestProtocol(OSV_GUEST_PROTOCOL)
                    .configSets(inputs.configSets().map(OsvConfigSets::defaultName).orElse(null), configSets);
            ImageRepository.StoredImage stored = DiskCommit.commit(repository, qemu, disk, events, directBoot, metadata);
            return new BuildResult(stored, false);
        } finally {
            TempFiles.delete(work);
        }
    }

    /** OSv's kernel taken out of the loader, to keep beside the disk for direct boots, when it can be. */
    private DiskCommit.Extras directBoot(Kernel loader) throws JcapException {
        Optional<OsvDirectBoot.Cached> kernel = OsvDirectBoot.cached(home.cache(), loader.image(), loader.imageSha256(),
                events);
        if (kernel.isEmpty()) {
            events.warn("OSv loader '" + loader.name() + "' holds no kernel jcap can take out (not the compressed form"
                    + " of OSv's own build): the image boots from its disk, about 4 s slower under emulation");
            return DiskCommit.Extras.NONE;
        }
        return kernel.get().stage();
    }

    private static long size(Path file) throws JcapException {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new JcapException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Everything that decides an OSv image's content; equal digests mean a rebuild can reuse the image. */
    static Sha256 inputsDigest(Sha256 streamDigest, OsvInputs inputs, String cmdline, long diskBytes,
                               String builderCmdline, SortedMap<String, String> configSets) {
        MessageDigest digest = Sha256.newDigest();
        String text = DIGEST_VERSION + "\nstream " + streamDigest + "\nfs " + inputs.fs().id() + "\nloader "
                + inputs.loader().imageSha256() + "\nbuilder " + inputs.zfsBuilder().map(k -> k.imageSha256().hex())
                .orElse("-") + "\nbuilder-cmdline " + builderCmdline + "\ncmdline " + cmdline + "\ndisk " + diskBytes
                + "\nmemory " + inputs.memoryMiB() + "\ncpus " + inputs.cpus() + "\nports " + inputs.ports() + "\n"
                // Only a Capstan package's image has these, so every other image keeps its digest.
                + (configSets.isEmpty() ? "" : "config-sets " + configSets + "\ndefault-config-set "
                + inputs.configSets().map(OsvConfigSets::defaultName).orElse("-") + "\n");
        digest.update(text.getBytes(StandardCharsets.UTF_8));
        return Sha256.of(digest);
    }
}
