package io.jcap.builder;

import io.jcap.builder.api.BuildRequest;
import io.jcap.builder.api.BuildResult;
import io.jcap.builder.api.JcapHome;
import io.jcap.builder.compose.HostBuildCommand;
import io.jcap.builder.family.KernelFamily;
import io.jcap.builder.repository.BuildLock;
import io.jcap.builder.repository.ImageRepository;
import io.jcap.capstanfile.Capstanfile;
import io.jcap.capstanfile.CapstanfileParser;
import io.jcap.capstanfile.SchemaPasses;
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
import java.util.ArrayList;
import java.util.List;
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
    /** The {@link ValidCapstanfiles} file in jcap's cache folder. */
    static final String VALID_CAPSTANFILES = "valid-capstanfiles";

    private final JcapHome home;
    private final EventSink events;

    public ImageBuilder(JcapHome home, EventSink events) {
        this.home = home;
        this.events = events;
    }

    /**
     * Runs the build command, then lets the Capstanfile's kernel family build the image. A folder
     * with Capstan's package files ({@code meta/}) and no Capstanfile is built as a Capstan package:
     * an OSv image of the folder that keeps every named configuration.
     */
    public BuildResult build(BuildRequest request) throws JcapException, InterruptedException {
        Path projectDir = request.projectDir().toAbsolutePath().normalize();
        if (!Files.isDirectory(projectDir)) {
            // The command line named it: a usage error (exit 2), as validate's.
            throw JcapException.usage("project folder " + projectDir + (Files.exists(projectDir)
                    ? " is a file: give the folder that holds the Capstanfile" : " does not exist"));
        }
        // The lock is taken before the project's build command runs: two builds of one image
        // at once would also run that command twice in the same folder.
        String name = request.imageName();
        try (BuildLock lock = new ImageRepository(home.images()).lockForBuild(name)) {
            warnIfPulled(name);
            return buildLocked(projectDir, request);
        }
    }

    /**
     * What a Capstanfile says that its build will not do, each a sentence: {@code jcap validate}
     * prints them as notes, a build as warnings. Empty when everything is used.
     */
    public static List<String> notes(Capstanfile capstanfile) {
        List<String> notes = new ArrayList<>();
        if (capstanfile.base().isPresent() && capstanfile.kernel().isPresent()) {
            notes.add("base: " + capstanfile.base().get() + " is ignored: kernel: " + capstanfile.kernel().get()
                    + " says what the image boots (remove base, or kernel to build on the base's OSv loader)");
        }
        return List.copyOf(notes);
    }

    /**
     * What the Capstanfile's kernel family refuses in it without reading a host file or running
     * anything ({@code jcap validate}); every build checks the same.
     */
    public void check(Capstanfile capstanfile) throws JcapException {
        KernelFamilies.forBuild(capstanfile, new KernelStore(home.kernels())).check(capstanfile);
    }

    /**
     * Builds the image a caller composed itself, without reading a Capstanfile from the project
     * folder or running a build command: the Maven plugin composes one from the pom after Maven
     * has built the project. The result is stored and reused like any other build's.
     *
     * <pre>{@code
     * Capstanfile composed = ...;  // files from target/classes and the dependencies
     * new ImageBuilder(home, events).build(new BuildRequest(projectDir, Optional.of("app"), Optional.empty(), false), composed);
     * }</pre>
     */
    public BuildResult build(BuildRequest request, Capstanfile capstanfile) throws JcapException, InterruptedException {
        Path projectDir = request.projectDir().toAbsolutePath().normalize();
        String name = request.imageName();
        try (BuildLock lock = new ImageRepository(home.images()).lockForBuild(name)) {
            warnIfPulled(name);
            return KernelFamilies.forBuild(capstanfile, new KernelStore(home.kernels()))
                    .build(home, events, new KernelFamily.BuildJob(projectDir, capstanfile, request));
        }
    }

    /**
     * A build replaces a pulled image of its name (pull refuses the other way round): say so, since
     * the local name of a pulled image is its repository's last part and may be a project's name.
     */
    private void warnIfPulled(String name) {
        Optional<ImageRepository.StoredImage> stored = new ImageRepository(home.images()).usable(name);
        if (stored.isPresent() && ImageRepository.pulled(stored.get())) {
            String from;
            try {
                from = io.jcap.builder.repository.ImageOrigin.of(stored.get()).map(o -> " from " + o.reference())
                        .orElse("");
            } catch (JcapException unreadable) {
                from = "";
            }
            events.warn("Image " + name + " was pulled" + from + ": this build replaces it with one built here,"
                    + " from scratch (use --name to keep it)");
        }
    }

    /**
     * The family's {@link io.jcap.builder.family.KernelFamily#prepare} on a thread of its own while
     * the build command runs (a process on one core; jcap waits): what the build does first then
     * finds its caches warm. Joined before the build goes on; its errors are the build's to report.
     */
    private Thread prepareBeside(Capstanfile before) {
        Thread thread = new Thread(() -> {
            try {
                KernelFamilies.forBuild(before, new KernelStore(home.kernels())).prepare(home, before);
            } catch (JcapException | RuntimeException e) {
                // The build meets the same problem after the build command and reports it then.
            }
        }, "jcap-build-prepare");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private BuildResult buildLocked(Path projectDir, BuildRequest request) throws JcapException, InterruptedException {
        if (request.from().isPresent() && !Files.exists(projectDir.resolve(CapstanfileParser.FILE_NAME))) {
            if (request.fs().isPresent()) {
                throw JcapException.usage("--fs " + request.fs().get() + " sets the file system of a Capstan package's"
                        + " image (meta/, no Capstanfile), and --from builds a Linux image from a container image");
            }
            // jcap build --from REF with no Capstanfile: the container image says everything.
            Capstanfile plain = Capstanfile.fromContainer(projectDir, request.from().get());
            return KernelFamilies.forBuild(plain, new KernelStore(home.kernels()))
                    .build(home, events, new KernelFamily.BuildJob(projectDir, plain, request));
        }
        SchemaPasses valid = new ValidCapstanfiles(home.cache().resolve(VALID_CAPSTANFILES));
        // Without a build command no host file is left to make: one read with every check says
        // every problem at once (a first read without the host files' checks hid them until the
        // rest was fixed).
        boolean buildCommand = CapstanfileParser.hasBuildCommand(projectDir);
        Capstanfile before = (buildCommand ? CapstanfileParser.beforeBuild() : new CapstanfileParser())
                .withConfigSet(request.configSet()).withSchemaPasses(valid).parse(projectDir);
        if (before.capstanPackage().isEmpty()) {
            if (request.fs().isPresent()) {
                throw JcapException.usage("--fs " + request.fs().get() + " sets the file system of a Capstan package's"
                        + " image (meta/, no Capstanfile), and " + projectDir + " is built from its Capstanfile: set"
                        + " fs: " + request.fs().get() + " there");
            }
            if (request.configSet().isPresent()) {
                throw new JcapException("--config-set " + request.configSet().get() + " picks a named configuration of"
                        + " a Capstan package (meta/run.yaml), and " + projectDir + " is built from its Capstanfile,"
                        + " which has none");
            }
            if (CapstanfileParser.isCapstanPackage(projectDir)) {
                events.warn("meta/ in " + projectDir + " is ignored: the project's Capstanfile says how the image is"
                        + " built (remove the Capstanfile to build the folder as a Capstan package)");
            }
        }
        if (!before.build().isEmpty()) {
            // A kernel the store lacks, or a key the family refuses, fails the build anyway: say so
            // before the build command's work.
            KernelStore store = new KernelStore(home.kernels());
            if (request.from().isEmpty()) {
                KernelFamilies.forBuild(before, store).check(before);
            }
            if (before.from().isEmpty() && !store.contains(before.kernel().orElse(
                    io.jcap.builder.compose.ImageDefaults.kernel()))) {
                KernelFamilies.forBuild(before, store).prepare(home, before);
            }
            Thread prepare = prepareBeside(before);
            try {
                HostBuildCommand.run(before.build(), projectDir, events);
            } finally {
                prepare.join();
            }
        }
        Capstanfile capstanfile = !buildCommand ? before : new CapstanfileParser().withConfigSet(request.configSet())
                .withSchemaPasses(valid).parse(projectDir);
        if (request.fs().isPresent()) {
            capstanfile = capstanfile.withFs(request.fs().get());
        }
        notes(capstanfile).forEach(events::warn);
        if (request.from().isPresent()) {
            capstanfile = capstanfile.withFrom(request.from().get());
        }
        return KernelFamilies.forBuild(capstanfile, new KernelStore(home.kernels()))
                .build(home, events, new KernelFamily.BuildJob(projectDir, capstanfile, request));
    }
}
