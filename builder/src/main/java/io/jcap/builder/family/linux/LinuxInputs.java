package io.jcap.builder.family.linux;

import io.jcap.builder.api.JcapHome;
import io.jcap.builder.compose.GuestConfig;
import io.jcap.builder.compose.HostTree;
import io.jcap.builder.compose.ImageComposer;
import io.jcap.builder.compose.ImageDefaults;
import io.jcap.builder.runtime.ImageRuntime;
import io.jcap.capstanfile.Capstanfile;
import io.jcap.capstanfile.CommandWords;
import io.jcap.capstanfile.KeyProblems;
import io.jcap.capstanfile.yaml.YamlPath;
import io.jcap.capstanfile.Runtime;
import io.jcap.formats.cpio.CpioWriter;
import io.jcap.formats.cpio.StreamStats;
import io.jcap.kernels.DiskLayout;
import io.jcap.kernels.ElfLibraries;
import io.jcap.kernels.Kernel;
import io.jcap.model.ByteSize;
import io.jcap.model.EventSink;
import io.jcap.model.FileContent;
import io.jcap.model.FsType;
import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import io.jcap.model.ImageTree;
import io.jcap.model.JcapException;
import io.jcap.model.PortMapping;
import io.jcap.model.Sha256;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;

/** What a Capstanfile asks for, in the terms of a Linux image. */
record LinuxInputs(List<ImageEntry> application, GuestConfig config, String cmdline, String kernelName, String fs,
        Optional<ByteSize> size, int memoryMiB, int cpus, List<PortMapping> ports) {
    /** Changes whenever the meaning of the inputs digest changes, so old images are rebuilt. */
    private static final String DIGEST_VERSION = "jcap-linux-image-5";

    LinuxInputs {
        application = List.copyOf(application);
        ports = List.copyOf(ports);
    }

    /**
     * Reads what {@code c} asks for; a {@code runtime} adds what {@link ImageRuntime} says.
     */
    static LinuxInputs of(Capstanfile c, JcapHome home, EventSink events) throws JcapException {
        return of(c, home, events, Optional.empty());
    }

    /**
     * The same; a Capstanfile with {@code from:} needs {@code scratch}, an empty jcap temp folder
     * holding the container image's file bytes until the image is built.
     */
    static LinuxInputs of(Capstanfile c, JcapHome home, EventSink events, Optional<Path> scratch) throws JcapException {
        if (c.from().isPresent()) {
            return FromContainer.inputs(c, scratch.orElseThrow(() -> new IllegalStateException("from: needs a scratch folder")),
                    events);
        }
        check(c);
        String kernel = c.kernel().orElse(ImageDefaults.kernel());
        FsType fs = c.fs().orElse(FsType.EXT4);
        List<ImageEntry> packaged = new ArrayList<>();
        if (c.rootfs().isPresent()) {
            packaged.addAll(HostTree.folder(c.rootfs().get(), GuestPath.ROOT));
        }
        for (Map.Entry<GuestPath, Path> file : c.files().entrySet()) {
            packaged.add(HostTree.file(file.getValue(), file.getKey()));
        }
        for (ImageEntry entry : packaged) {
            ImageComposer.replacedWhenRunning(entry).ifPresent(events::warn);
        }
        Optional<ImageRuntime> runtime = ImageRuntime.of(c.runtime(), home, events);
        if (c.cmdline().isEmpty() && !runtime.map(ImageRuntime::derivesCommand).orElse(false)) {
            throw new JcapException("cmdline is required");
        }
        ImageRuntime.Application application = new ImageRuntime.Application(packaged, c.cmdline(), c.env());
        if (runtime.isPresent()) {
            application = runtime.get().apply(application);
        }
        String cmdline = application.cmdline().orElseThrow();
        SortedMap<String, String> env = application.env();
        GuestConfig config;
        try {
            config = new GuestConfig(CommandWords.split(cmdline), env, GuestPath.ROOT);
        } catch (IllegalArgumentException e) {
            throw new JcapException(c.file() + ": cmdline: " + e.getMessage(), e);
        }
        return new LinuxInputs(application.files(), config, cmdline, kernel, fs.id(), c.size(),
                c.memory().map(m -> (int) m.mebibytes()).orElse(ImageDefaults.MEMORY_MIB),
                c.cpus().orElse(ImageDefaults.CPUS), c.ports());
    }

    /**
     * What the Linux family refuses in {@code c} without reading a host file or running anything,
     * every problem at its key's line: {@code jcap validate} runs it, and so does every build. The
     * command line is checked as written; a container image's ({@code from:}) is a command to look
     * up on the image's PATH, checked at the build.
     */
    static void check(Capstanfile c) throws JcapException {
        KeyProblems problems = new KeyProblems(c);
        if (c.rpmBase().isPresent()) {
            problems.add(YamlPath.ROOT.key("rpm-base"), io.jcap.builder.family.KernelFamily.RPM_BASE);
        }
        FsType fs = c.fs().orElse(FsType.EXT4);
        if (fs != FsType.EXT4 && fs != FsType.EXT2) {
            problems.add(YamlPath.ROOT.key("fs"), "fs " + fs.id() + " needs an OSv kernel, not kernel '"
                    + c.kernel().orElse(ImageDefaults.kernel()) + "': set kernel: osv (see docs/osv.md) or use ext4 or"
                    + " ext2 with the Linux kernel");
        }
        for (Map.Entry<String, String> e : c.env().entrySet()) {
            try {
                io.jcap.builder.api.GuestCommandLine.checkEnv(e.getKey(), e.getValue());
            } catch (IllegalArgumentException bad) {
                problems.add(YamlPath.ROOT.key("env").key(e.getKey()), bad.getMessage());
            }
        }
        for (GuestPath path : c.files().keySet()) {
            try {
                ImageComposer.checkPlace(path, List.of(LinuxBoot.BOOT));
            } catch (JcapException bad) {
                problems.add(YamlPath.ROOT.key("files").key(path.value()), bad.getMessage());
            }
        }
        if (c.cmdline().isEmpty() && c.runtime().orElse(null) instanceof io.jcap.capstanfile.Runtime.Java java) {
            // The derived command would have nothing to load main from (the build said so without a line).
            io.jcap.builder.runtime.JavaCommandLine.unloadableMain(java).ifPresent(
                    why -> problems.add(YamlPath.ROOT.key("runtime").key("java").key("main"), why));
        }
        if (c.cmdline().isPresent() && c.from().isEmpty()) {
            try {
                io.jcap.builder.api.GuestCommandLine.check(CommandWords.split(c.cmdline().get()));
            } catch (IllegalArgumentException bad) {
                problems.add(YamlPath.ROOT.key("cmdline"), bad.getMessage());
            }
        }
        problems.throwIfAny();
    }

    /** The disk size: the package file's, checked against the content, or one that fits. */
    long diskBytes(long contentBytes) throws JcapException {
        // The partition table, the EFI system partition and the MiB at the end come on top of the root.
        long needed = ImageDefaults.diskBytesFor(contentBytes) + DiskLayout.OVERHEAD_BYTES;
        if (size.isEmpty()) {
            return needed;
        }
        long asked = size.get().bytes();
        long minimum = contentBytes + contentBytes / 10 + (8L << 20) + DiskLayout.OVERHEAD_BYTES;
        if (asked < minimum) {
            throw new JcapException("size " + size.get() + " is too small for " + ByteSize.ofBytes(contentBytes)
                    + " of files (kernel included): use at least " + ByteSize.ofMebibytes((minimum >> 20) + 1)
                    + " or leave size out");
        }
        return (asked + (1 << 20) - 1) >> 20 << 20;
    }

    /** Everything that decides an image's content; equal digests mean a rebuild can reuse the image. */
    static Sha256 inputsDigest(Sha256 treeDigest, LinuxInputs inputs, long diskBytes, Kernel kernel) {
        MessageDigest digest = Sha256.newDigest();
        String text = DIGEST_VERSION + "\ntree " + treeDigest + "\nfs " + inputs.fs() + "\ndisk " + diskBytes
                + "\nkernel " + kernel.vmlinuzSha256() + "\nmemory " + inputs.memoryMiB() + "\ncpus " + inputs.cpus()
                + "\nports " + inputs.ports() + "\n";
        digest.update(text.getBytes(StandardCharsets.UTF_8));
        return Sha256.of(digest);
    }
}
