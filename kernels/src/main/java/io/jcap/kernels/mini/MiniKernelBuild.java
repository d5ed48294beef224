package io.jcap.kernels.mini;

import io.jcap.host.HostTool;
import io.jcap.host.TempFiles;
import io.jcap.kernels.BzImage;
import io.jcap.kernels.Kernel;
import io.jcap.kernels.KernelDraft;
import io.jcap.kernels.KernelStore;
import io.jcap.model.EnvironmentException;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds linux-mini: Debian's kernel source unpacked in a jcap temp folder, {@code make tinyconfig},
 * then one {@code allnoconfig} pass over tinyconfig's result plus {@link MiniConfig} (so that what
 * the fragment makes visible stays off unless it names it), every setting checked, then
 * {@code make bzImage} with the build's time, user, host and number fixed, so the same source and
 * fragment give the same bytes. The temp folder goes on every path, Ctrl-C included.
 *
 * <pre>{@code
 * Kernel k = new MiniKernelBuild(LinuxSource.find(LinuxSource.DEBIAN_FOLDER), MiniConfig.bundled(), 2)
 *         .build(store, home.tmp(), events);   // stored as linux-mini
 * }</pre>
 *
 * @param jobs make's {@code -j}
 */
public record MiniKernelBuild(LinuxSource source, MiniConfig config, int jobs) {
    /** The store name of jcap's tailored kernel. */
    public static final String NAME = "linux-mini";
    /** The flavour recorded in its {@code kernel.json}. */
    public static final String FLAVOUR = "mini";
    /** kbuild's step lines of a build of this fragment, measured: the 100% of the progress lines. */
    static final long EXPECTED_STEPS = 1600;
    /** What the build stamps into the kernel's version string instead of the machine's facts. */
    static final List<String> REPRODUCIBLE = List.of("KBUILD_BUILD_TIMESTAMP=1970-01-01 00:00:00 UTC",
            "KBUILD_BUILD_USER=jcap", "KBUILD_BUILD_HOST=jcap", "KBUILD_BUILD_VERSION=1", "LC_ALL=C", "TZ=UTC");
    /**
     * Parts of the source that neither Kconfig nor an x86-64 bzImage reads, left in the tarball:
     * AMD's GPU register headers alone are 378 MB of the 1.4 GB, so unpacking and deleting the tree
     * (after the build, or on Ctrl-C) take less time. Kconfig sources files under every arch/ and
     * under Documentation/, so those stay.
     */
    static final List<String> UNNEEDED = List.of("drivers/gpu/drm/amd/include", "tools/testing", "tools/perf");
    private static final Duration CONFIGURE = Duration.ofMinutes(5);
    private static final Duration COMPILE = Duration.ofMinutes(90);

    public MiniKernelBuild {
        if (jobs < 1) {
            throw new IllegalArgumentException("make jobs must be 1 or more, not " + jobs);
        }
    }

    /** What a stored linux-mini built from this source and fragment records as its origin. */
    public String origin() {
        return "build:" + source.label() + " config:sha256:" + config.digest().hex();
    }

    /**
     * Builds the kernel in a folder of {@code tmpArea} and stores it as {@link #NAME}.
     *
     * @throws EnvironmentException when a build tool is missing (before anything starts)
     */
    public Kernel build(KernelStore store, Path tmpArea, EventSink events) throws JcapException {
        List<String> missing = KernelBuildTools.missing();
        if (!missing.isEmpty()) {
            throw new EnvironmentException("building " + NAME + " needs " + String.join(", ", missing));
        }
        Path work;
        try {
            work = TempFiles.create(tmpArea, "kernel-build-");
        } catch (IOException e) {
            throw new JcapException("cannot create a temporary folder in " + tmpArea + ": " + e.getMessage(), e);
        }
        // Removing the unpacked tree after a Ctrl-C takes seconds: said, not a silent hang. (Shutdown
        // actions run last registered first: this line comes before the folder's deletion.)
        Path folder = work;
        io.jcap.host.Cleanup.Registration notice = io.jcap.host.Cleanup.register("kernel build notice",
                () -> events.info("Stopping: removing the kernel build's work folder " + folder
                        + " (the unpacked source, about 1 GB; a few seconds)"));
        try {
            Path src = unpack(work, events);
            configure(src, work, events);
            Path bzImage = compile(src, events);
            String release = BzImage.release(bzImage).orElseThrow(() ->
                    new JcapException("the kernel build made " + bzImage + ", which has no kernel version string"));
            Kernel kernel = store.add(new KernelDraft(NAME, release, FLAVOUR, origin(), bzImage, List.of()));
            events.info("Stored kernel " + NAME + " " + release + " (" + io.jcap.model.ByteSize.human(
                    Files.size(kernel.vmlinuz())) + ", SHA-256 " + kernel.imageSha256().hex().substring(0, 16)
                    + ", no modules)");
            return kernel;
        } catch (IOException e) {
            throw new JcapException("cannot build " + NAME + " in " + work + ": " + e.getMessage(), e);
        } finally {
            notice.close();
            TempFiles.delete(work);
        }
    }

    private Path unpack(Path work, EventSink events) throws JcapException, IOException {
        events.info("Unpacking " + source.tarball() + " (" + source.label() + ", "
                + io.jcap.model.ByteSize.human(Files.size(source.tarball())) + ")");
        Path into = Files.createDirectory(work.resolve("src"));
        List<String> tar = new ArrayList<>(List.of("tar", "-xf", source.tarball().toString(), "-C", into.toString(),
                "--anchored"));
        UNNEEDED.forEach(path -> tar.add("--exclude=" + source.packageName() + "/" + path));
        check(HostTool.run(tar, CONFIGURE), "unpacking " + source.tarball());
        try (var entries = Files.list(into)) {
            List<Path> top = entries.toList();
            if (top.size() != 1 || !Files.isRegularFile(top.get(0).resolve("Makefile"))) {
                throw new JcapException(source.tarball() + " does not hold one kernel source folder: " + top);
            }
            return top.get(0);
        }
    }

    private void configure(Path src, Path work, EventSink events) throws JcapException, IOException {
        events.info("Configuring: tinyconfig + linux-mini.config (SHA-256 " + config.digest().hex().substring(0, 16) + ")");
        check(HostTool.run(make(List.of(), "tinyconfig"), src, CONFIGURE), "make tinyconfig");
        Path all = work.resolve("allconfig");
        Files.writeString(all, Files.readString(src.resolve(".config"), StandardCharsets.UTF_8) + config.text(),
                StandardCharsets.UTF_8);
        check(HostTool.run(make(List.of("KCONFIG_ALLCONFIG=" + all), "allnoconfig"), src, CONFIGURE),
                "make allnoconfig");
        List<String> lost = config.missingFrom(Files.readAllLines(src.resolve(".config"), StandardCharsets.UTF_8));
        if (!lost.isEmpty()) {
            throw new JcapException("linux-mini.config asks for settings that " + source.label()
                    + "'s Kconfig did not keep (an option they depend on is off): " + String.join(", ", lost));
        }
    }

    private Path compile(Path src, EventSink events) throws JcapException {
        events.info("Compiling " + source.label() + " with make -j" + jobs + " bzImage (minutes: about 4 on two cores)");
        MakeProgress progress = new MakeProgress("Compiling " + NAME, EXPECTED_STEPS, events);
        HostTool.Result r = HostTool.start(make(List.of(), "-j" + jobs, "bzImage"), src, progress).await(COMPILE);
        if (r.exitCode() != 0) {
            throw new JcapException("make bzImage failed with exit code " + r.exitCode() + " after " + progress.steps()
                    + " steps; its last lines:\n  " + String.join("\n  ", progress.tail()));
        }
        events.info("Compiled in " + progress.steps() + " steps");
        Path bzImage = src.resolve("arch/x86/boot/bzImage");
        if (!Files.isRegularFile(bzImage)) {
            throw new JcapException("make bzImage ended without error but made no " + bzImage);
        }
        return bzImage;
    }

    /** {@code env VAR=... make ARGS}: the fixed build facts reach kbuild's scripts through the environment. */
    private static List<String> make(List<String> extraEnv, String... args) {
        List<String> command = new ArrayList<>(List.of("env"));
        command.addAll(REPRODUCIBLE);
        command.addAll(extraEnv);
        command.add("make");
        command.addAll(List.of(args));
        return command;
    }

    private static void check(HostTool.Result r, String what) throws JcapException {
        if (r.exitCode() != 0) {
            throw new JcapException(what + " failed with exit code " + r.exitCode() + ": " + r.lastErrorLine());
        }
    }
}
