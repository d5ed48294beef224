package io.jcap.builder.family.osv;

import io.jcap.builder.api.BuildResult;
import io.jcap.builder.api.ImageFile;
import io.jcap.builder.api.JcapHome;
import io.jcap.builder.api.RunRequest;
import io.jcap.builder.family.KernelFamily;
import io.jcap.builder.family.RunConsole;
import io.jcap.builder.family.RunPlan;
import io.jcap.builder.instance.InstanceConsole;
import io.jcap.builder.repository.ImageRepository;
import io.jcap.formats.DiskFormat;
import io.jcap.formats.rofs.RofsEntry;
import io.jcap.formats.rofs.RofsReader;
import io.jcap.host.TempFiles;
import io.jcap.hypervisor.qemu.QemuImg;
import io.jcap.hypervisor.qemu.QemuInstallation;
import io.jcap.kernels.Kernel;
import io.jcap.kernels.KernelStore;
import io.jcap.capstanfile.Capstanfile;
import io.jcap.model.EnvironmentException;
import io.jcap.model.EventSink;
import io.jcap.model.FsType;
import io.jcap.model.GuestPath;
import io.jcap.model.JcapException;
import io.jcap.streamer.ExitLine;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * OSv images: OSv's loader followed by a ROFS (written on the host) or ZFS (written by OSv's
 * builder VM) partition, with the command line at byte 512 ({@link OsvImageBuild}), run as
 * {@link OsvRunPlan} says. See docs/osv.md.
 */
public final class OsvFamily implements KernelFamily {
    /** Replaces the ZFS builder kernel's known command line (docs/osv.md lists the forms). */
    static final String BUILDER_CMDLINE_ENV = "JCAP_OSV_BUILDER_CMDLINE";
    /** Where jcap's cache keeps the files of Capstan's packages once read. */
    static final String CAPSTAN_PACKAGES = "capstan-packages";

    @Override
    public String name() {
        return Kernel.OSV;
    }

    /** Whether an image with this file system is an OSv image. */
    public static boolean isOsvFs(String fs) {
        return FsType.ROFS.id().equals(fs) || FsType.ZFS.id().equals(fs);
    }

    @Override
    public void check(Capstanfile capstanfile) throws JcapException {
        OsvInputs.check(capstanfile);
        if (OsvInputs.needsRepository(capstanfile)) {
            CapstanRepository.checkPresent(CapstanRepository.rootFromEnvironment(),
                    capstanfile.capstanPackage().orElseThrow(), capstanfile.projectDir());
        }
    }

    /** Capstan's repository, its packages' files kept in jcap's cache once read. */
    private static CapstanRepository repository(JcapHome home) {
        return CapstanRepository.fromEnvironment(home.cache().resolve(CAPSTAN_PACKAGES));
    }

    @Override
    public BuildResult build(JcapHome home, EventSink events, BuildJob job) throws JcapException, InterruptedException {
        OsvInputs inputs = OsvInputs.of(job.capstanfile(), new KernelStore(home.kernels()), repository(home), events);
        return new OsvImageBuild(home, events, Optional.ofNullable(System.getenv(BUILDER_CMDLINE_ENV)),
                CpiodBuilderVm.Timeouts.DEFAULT).build(job.imageName(), inputs, job.request());
    }

    @Override
    public RunPlan plan(JcapHome home, EventSink events, ImageRepository.StoredImage image, RunRequest request)
            throws JcapException {
        return OsvRunPlan.prepare(home, image, request, events);
    }

    @Override
    public RunConsole console(Consumer<String> output, boolean showBoot, RunPlan plan) {
        return new OsvConsole(output, showBoot, plan.machine() instanceof OsvRunPlan osv && osv.tracesExit());
    }

    @Override
    public InstanceConsole instanceConsole(ExitLine end) {
        return OsvConsole.INSTANCES;
    }

    @Override
    public List<ImageFile> files(JcapHome home, EventSink events, ImageRepository.StoredImage image, GuestPath path)
            throws JcapException {
        if (!FsType.ROFS.id().equals(image.metadata().fs())) {
            return builtWith(image, path);
        }
        Path work = TempFiles.register(home.newWorkDir("ls-"));
        try {
            Path raw = work.resolve("disk.raw");
            new QemuImg(QemuInstallation.detect(home.cache()).qemuImg())
                    .convert(image.file(), DiskFormat.QCOW2, raw, DiskFormat.RAW,
                    false);
            try (RofsReader rofs = RofsReader.openDisk(raw)) {
                return subtree(rofs.list().stream().map(OsvFamily::toFile).toList(), path, image);
            }
        } finally {
            TempFiles.delete(work);
        }
    }

    /** A ZFS image's files as its build kept them: jcap cannot read ZFS on the host. */
    private static List<ImageFile> builtWith(ImageRepository.StoredImage image, GuestPath path) throws JcapException {
        Path list = image.file().resolveSibling(ZfsFileList.FILE);
        Optional<List<ImageFile>> files;
        try {
            files = ZfsFileList.read(list);
        } catch (IOException | RuntimeException e) {
            throw new JcapException("cannot read the file list of image '" + image.metadata().name() + "' (" + list
                    + "): " + e.getMessage() + "; rebuild it with jcap build --force", e);
        }
        if (files.isEmpty()) {
            throw new EnvironmentException("image '" + image.metadata().name() + "' is " + image.metadata().fs()
                    + ", which jcap cannot read on the host, and no list of the files written into it is kept beside"
                    + " it (" + ZfsFileList.FILE + ": an image built by an older jcap, or pulled, has none): build it"
                    + " again with jcap build --force to list its files");
        }
        return subtree(files.get(), path, image);
    }

    /** {@code path} of an image's {@code files}, and for a folder everything under it, in their order. */
    private static List<ImageFile> subtree(List<ImageFile> files, GuestPath path, ImageRepository.StoredImage image)
            throws JcapException {
        ImageFile top = files.stream().filter(f -> f.path().equals(path)).findFirst().orElseThrow(() ->
                new JcapException(path + " is not in image '" + image.metadata().name() + "'"));
        if (top.type() != ImageFile.Type.DIRECTORY) {
            return List.of(top);
        }
        String prefix = path.isRoot() ? "/" : path.value() + "/";
        return files.stream().filter(f -> f.path().equals(path) || f.path().value().startsWith(prefix)).toList();
    }

    private static ImageFile toFile(RofsEntry e) {
        ImageFile.Type type = switch (e.type()) {
            case DIRECTORY -> ImageFile.Type.DIRECTORY;
            case FILE -> ImageFile.Type.FILE;
            case SYMLINK -> ImageFile.Type.SYMLINK;
        };
        return new ImageFile(e.path(), type, e.mode(), e.size(), Optional.ofNullable(e.target()));
    }
}
