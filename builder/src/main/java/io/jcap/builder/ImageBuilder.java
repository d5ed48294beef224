package io.jcap.builder;

import io.jcap.capstanfile.Capstanfile;
import io.jcap.capstanfile.CapstanfileParser;
import io.jcap.hypervisor.Accelerator;
import io.jcap.hypervisor.qemu.QemuInstallation;
import io.jcap.kernels.Initramfs;
import io.jcap.kernels.Kernel;
import io.jcap.kernels.KernelStore;
import io.jcap.model.EventSink;
import io.jcap.model.ImageTree;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import io.jcap.streamer.GuestStreamer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Builds a project's image: reads the Capstanfile, runs its build command, composes the file
 * tree, fills a disk through a builder VM and stores the compressed qcow2 image atomically. An
 * image whose inputs are unchanged is reused without booting a VM. The kernel family (Linux or
 * OSv, see {@link KernelFamilies}) decides how the disk is made.
 *
 * <pre>{@code
 * BuildResult r = new ImageBuilder(JcapHome.fromEnvironment(), EventSink.NONE)
 *         .build(BuildRequest.of(Path.of("examples/hello")));
 * }</pre>
 */
public final class ImageBuilder {
    private final JcapHome home;
    private final EventSink events;

    public ImageBuilder(JcapHome home, EventSink events) {
        this.home = home;
        this.events = events;
    }

    public BuildResult build(BuildRequest request) throws JcapException, InterruptedException {
        Path projectDir = request.projectDir().toAbsolutePath().normalize();
        if (!Files.isDirectory(projectDir)) {
            throw new JcapException("project folder " + projectDir + " does not exist");
        }
        Capstanfile before = CapstanfileParser.beforeBuild().parse(projectDir);
        if (!before.build().isEmpty()) {
            HostBuildCommand.run(before.build(), projectDir, events);
        }
        Capstanfile capstanfile = new CapstanfileParser().parse(projectDir);
        return KernelFamilies.forBuild(capstanfile, new KernelStore(home.kernels()))
                .build(home, events, new KernelFamily.BuildJob(projectDir, capstanfile, request));
    }

    /** Linux images ({@link LinuxFamily}): jcap's init in a builder VM fills an ext4 disk. */
    BuildResult buildLinux(Path projectDir, Capstanfile capstanfile, BuildRequest request)
            throws JcapException, InterruptedException {
        String name = request.name().orElse(ImageName.forFolder(projectDir));
        ImageInputs inputs = ImageInputs.of(capstanfile, home, events);
        Kernel kernel = new KernelStore(home.kernels()).get(inputs.kernelName());
        byte[] initrd = new Initramfs().runInitramfs(kernel);
        ImageTree tree = ImageComposer.compose(inputs.application(), inputs.config(),
                LinuxBoot.bootFiles(kernel, initrd, inputs.fs()));
        long diskBytes = inputs.diskBytes(tree.contentBytes());
        Sha256 streamDigest = ImageInputs.streamDigest(tree);
        Sha256 inputsDigest = ImageInputs.inputsDigest(streamDigest, inputs, diskBytes, kernel,
                capstanfile.ports());

        ImageRepository repository = new ImageRepository(home.images());
        // An image stored before images kept their direct-boot files is built again to get them.
        Optional<ImageRepository.StoredImage> existing = repository.upToDate(name, inputsDigest);
        if (existing.isPresent() && existing.get().directBoot().isEmpty()) {
            existing = Optional.empty();
        }
        if (!request.force() && existing.isPresent()) {
            events.info("Image " + name + " is up to date (inputs unchanged)");
            return new BuildResult(existing.get(), true);
        }

        QemuInstallation qemu = QemuInstallation.detect();
        Accelerator accelerator = Accelerators.choose(qemu, home, request.accelerator(), events);
        Path work = TempFiles.register(home.newWorkDir("build-"));
        try {
            Path disk = work.resolve("disk.raw");
            GuestStreamer.StreamResult streamed = new BuilderVm(qemu, events)
                    .fill(disk, diskBytes, kernel, inputs.fs(), tree.entries(), accelerator, work);
            events.info("Guest received " + streamed.sent().entries() + " entries, " + streamed.sent().bytes()
                    + " bytes (crc32 verified)");
            DiskCommit.Extras directBoot = staging ->
                    DirectBoot.stage(staging, kernel.vmlinuz(), kernel.vmlinuzSha256(), initrd,
                            LinuxBoot.runAppend(inputs.fs()));
            ImageRepository.StoredImage stored = DiskCommit.commit(repository, qemu, disk, events, directBoot, facts ->
                    new ImageMetadata(name, Instant.now(), inputsDigest, streamed.sent().sha256(), kernel.name(),
                            kernel.vmlinuzSha256(), inputs.cmdline(), inputs.fs(), facts.virtualSize(),
                            facts.diskSize(), facts.sha256(), accelerator.qemuName(), inputs.memoryMiB(),
                            inputs.cpus(), capstanfile.ports(), Initramfs.GUEST_PROTOCOL));
            return new BuildResult(stored, false);
        } finally {
            TempFiles.delete(work);
        }
    }
}
