package io.jcap.builder.family.osv;

import io.jcap.builder.compose.HostTree;
import io.jcap.builder.compose.ImageDefaults;
import io.jcap.capstanfile.CapstanPackage;
import io.jcap.capstanfile.Capstanfile;
import io.jcap.capstanfile.KeyProblems;
import io.jcap.capstanfile.Runtime;
import io.jcap.capstanfile.yaml.YamlPath;
import io.jcap.formats.cpio.CpioWriter;
import io.jcap.kernels.Kernel;
import io.jcap.kernels.KernelKind;
import io.jcap.kernels.KernelStore;
import io.jcap.kernels.osv.OsvDisk;
import io.jcap.kernels.osv.OsvKernelImporter;
import io.jcap.model.ByteSize;
import io.jcap.model.EnvironmentException;
import io.jcap.model.EventSink;
import io.jcap.model.FsType;
import io.jcap.model.GuestPath;
import io.jcap.model.ImageEntry;
import io.jcap.model.ImageTree;
import io.jcap.model.JcapException;
import io.jcap.model.PortMapping;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What a Capstanfile asks of an OSv image: the loader it starts from, ROFS or ZFS, the
 * application's files (as given: OSv needs no init, configuration or system folders), the command
 * line OSv runs and how the image runs.
 *
 * <p>The loader is the Capstanfile's {@code kernel}; without one, a Capstan {@code base} such as
 * {@code cloudius/osv-openjdk} names a loader imported as {@code osv-openjdk} (the part after the
 * last {@code /}), falling back to the plain loader {@code osv} with a warning that the base's own
 * files are not added; without {@code base} either, it is {@code osv}.
 *
 * <p>A Capstan package's image holds its folder (less what {@code .capstanignore} and Capstan
 * leave out) and boots its default configuration; {@code configSets} has every configuration.
 *
 * @param zfsBuilder OSv's ZFS builder kernel, present exactly for {@code fs: zfs}
 * @param cmdline the application's command line as OSv reads it: {@code --env=} options first
 * @param configSets a Capstan package's named configurations; empty for a Capstanfile
 */
record OsvInputs(Kernel loader, Optional<Kernel> zfsBuilder, FsType fs, ImageTree tree, String cmdline,
                 Optional<ByteSize> size, int memoryMiB, int cpus, List<PortMapping> ports,
                 Optional<OsvConfigSets> configSets) {
    OsvInputs {
        ports = List.copyOf(ports);
    }

    /**
     * The keys that made {@code c} an OSv image, as written ({@code kernel: osv}, else {@code base}
     * and an OSv {@code fs}): what to remove for the Linux kernel.
     */
    static String osvChosenBy(Capstanfile c) {
        if (c.kernel().isPresent()) {
            return "kernel: " + c.kernel().get();
        }
        List<String> keys = new ArrayList<>();
        c.base().ifPresent(base -> keys.add("base: " + base));
        c.fs().filter(fs -> fs == FsType.ROFS || fs == FsType.ZFS).ifPresent(fs -> keys.add("fs: " + fs.id()));
        return keys.isEmpty() ? "kernel: osv" : String.join(" and ", keys);
    }

    /**
     * What the OSv family refuses in {@code c} without reading a host file or running anything,
     * every problem at its key's line: {@code jcap validate} runs it, and so does every build.
     */
    static void check(Capstanfile c) throws JcapException {
        KeyProblems problems = new KeyProblems(c);
        if (c.rpmBase().isPresent()) {
            problems.add(YamlPath.ROOT.key("rpm-base"), io.jcap.builder.family.KernelFamily.RPM_BASE);
        }
        if (c.runtime().orElse(null) instanceof Runtime.Java) {
            problems.add(YamlPath.ROOT.key("runtime"), "runtime java builds Linux images only: for OSv put the JVM in"
                    + " files or rootfs and write cmdline (e.g. /java.so -jar /app/app.jar), or set kernel: linux");
        }
        if (c.from().isPresent()) {
            problems.add(YamlPath.ROOT.key("from"), "from: " + c.from().get() + " needs the Linux kernel (a container"
                    + " image's programs are Linux programs): remove " + osvChosenBy(c) + " or set kernel: linux");
        }
        FsType fs = c.fs().orElse(FsType.ROFS);
        if (fs != FsType.ROFS && fs != FsType.ZFS) {
            problems.add(YamlPath.ROOT.key("fs"), "fs " + fs.id() + " needs the Linux kernel: OSv images use fs: rofs or"
                    + " fs: zfs");
        }
        // The command line as the image stores it: the file system's option first for ROFS.
        boolean rofs = fs == FsType.ROFS;
        if (c.capstanPackage().isPresent()) {
            // Every configuration is stored in the image, so each must fit, at its own lines.
            CapstanPackage p = c.capstanPackage().get();
            for (Map.Entry<String, CapstanPackage.ConfigSet> set : p.configSets().entrySet()) {
                YamlPath at = p.named() ? YamlPath.ROOT.key("config_set").key(set.getKey()) : YamlPath.ROOT;
                checkCommandLine(problems, at, "bootcmd", set.getValue().bootcmd(), set.getValue().env(), rofs);
            }
        } else if (c.cmdline().isPresent()) {
            checkCommandLine(problems, YamlPath.ROOT, "cmdline", c.cmdline().get(), c.env(), rofs);
        } else {
            checkCommandLine(problems, YamlPath.ROOT, "cmdline", "", c.env(), rofs);
        }
        problems.throwIfAny();
    }

    /** The env values OSv's command line can carry, then the stored line's length, at their keys under {@code at}. */
    private static void checkCommandLine(KeyProblems problems, YamlPath at, String key, String command,
            Map<String, String> env, boolean rofs) throws JcapException {
        StringBuilder line = new StringBuilder(rofs ? OsvRofsImage.ROOTFS_OPTION + " " : "");
        boolean safe = true;
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (!OsvCommandLine.envSafe(e.getValue())) {
                problems.add(at.key("env").key(e.getKey()), OsvCommandLine.envRule(e.getKey()));
                safe = false;
            } else {
                line.append(OsvCommandLine.envOption(e.getKey(), e.getValue(), at.toString())).append(' ');
            }
        }
        int bytes = line.append(command).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (safe && bytes > OsvDisk.CMDLINE_MAX_BYTES) {
            problems.add(at.key(key), "OSv's command line (" + (rofs ? OsvRofsImage.ROOTFS_OPTION + ", " : "")
                    + (env.isEmpty() ? "" : "the env options, ") + key + ") is " + bytes + " bytes: OSv takes at most "
                    + OsvDisk.CMDLINE_MAX_BYTES + ": shorten it");
        }
    }

    /** Whether {@code c} is a Capstan package that requires packages of Capstan's repository. */
    static boolean needsRepository(Capstanfile c) {
        return c.capstanPackage().map(p -> p.requiredNames().stream()
                .anyMatch(name -> !name.equals(CapstanRepository.BOOTSTRAP))).orElse(false);
    }

    /**
     * @param repository where the Capstan packages {@code c} requires are
     */
    static OsvInputs of(Capstanfile c, KernelStore store, CapstanRepository repository, EventSink events)
            throws JcapException {
        check(c);
        FsType fs = c.fs().orElse(FsType.ROFS);
        Kernel loader = kernel(store, loaderName(c, store, events), KernelKind.OSV_LOADER);
        Optional<Kernel> builder = Optional.empty();
        if (fs == FsType.ZFS) {
            builder = Optional.of(kernel(store, OsvKernelImporter.ZFS_BUILDER_NAME, KernelKind.OSV_ZFS_BUILDER));
        }
        List<CapstanRepository.Package> required = List.of();
        if (needsRepository(c)) {
            required = repository.resolve(c.capstanPackage().orElseThrow(), c.projectDir(), events);
        }
        ImageTree tree = new ImageTree();
        try {
            // Capstan's compose: the required packages' files first, the package's own over them.
            for (CapstanRepository.Package r : required) {
                for (ImageEntry e : r.contents().entries()) {
                    try {
                        tree.add(e);
                    } catch (IllegalArgumentException clash) {
                        throw new JcapException("Capstan package " + r.name() + " (" + r.archive() + "): "
                                + clash.getMessage(), clash);
                    }
                }
            }
            if (c.rootfs().isPresent()) {
                Predicate<GuestPath> leftOut = c.capstanPackage().map(p -> (Predicate<GuestPath>) p.ignore()::ignores)
                        .orElse(path -> false);
                for (ImageEntry e : HostTree.folder(c.rootfs().get(), GuestPath.ROOT, leftOut)) {
                    tree.add(e);
                }
            }
            for (Map.Entry<GuestPath, Path> file : c.files().entrySet()) {
                tree.add(HostTree.file(file.getValue(), file.getKey()));
            }
        } catch (IllegalArgumentException e) {
            throw new JcapException(e.getMessage(), e);
        }
        if (fs == FsType.ZFS) {
            // ROFS is written on the host with 64-bit sizes; ZFS is filled by cpiod from a newc stream.
            Optional<String> tooBig = CpioWriter.tooBig(tree.entries(), "OSv's ZFS builder (cpiod)");
            if (tooBig.isPresent()) {
                throw new JcapException(tooBig.get() + "; fs: rofs has no such limit");
            }
        }
        // A package's configurations first: their problems name the configuration, the default's included.
        Optional<OsvConfigSets> configSets = Optional.empty();
        String cmdline;
        if (c.capstanPackage().isPresent()) {
            OsvConfigSets sets = OsvConfigSets.of(c.capstanPackage().get(), c, loader.name(), required, tree, events);
            configSets = Optional.of(sets);
            cmdline = sets.defaultCmdline();
        } else {
            cmdline = envOptions(c) + c.cmdline().orElseThrow(() -> new JcapException("cmdline is required"));
        }
        if (configSets.isEmpty()) {
            warnIfCommandMissing(cmdline, tree, events);
        }
        return new OsvInputs(loader, builder, fs, tree, cmdline, c.size(),
                c.memory().map(m -> (int) m.mebibytes()).orElse(ImageDefaults.MEMORY_MIB),
                c.cpus().orElse(ImageDefaults.CPUS), c.ports(), configSets);
    }

    /** The store name of the loader the Capstanfile means (see the class comment). */
    static String loaderName(Capstanfile c, KernelStore store, EventSink events) {
        if (c.kernel().isPresent()) {
            return c.kernel().get();
        }
        if (c.base().isEmpty()) {
            return OsvKernelImporter.LOADER_NAME;
        }
        String base = c.base().get();
        String imported = base.substring(base.lastIndexOf('/') + 1);
        if (store.contains(imported)) {
            return imported;
        }
        events.warn("base '" + base + "': no kernel named '" + imported + "' is imported, so the image starts from"
                + " OSv's plain loader '" + OsvKernelImporter.LOADER_NAME + "' and the base's own files (such as a JVM)"
                + " are not in it: add them with files or rootfs, or import the base's loader image with 'jcap kernels"
                + " import FILE --name " + imported + "'");
        return OsvKernelImporter.LOADER_NAME;
    }

    private static Kernel kernel(KernelStore store, String name, KernelKind kind) throws JcapException {
        if (!store.contains(name)) {
            boolean loader = kind == KernelKind.OSV_LOADER;
            String defaultName = loader ? OsvKernelImporter.LOADER_NAME : OsvKernelImporter.ZFS_BUILDER_NAME;
            String as = name.equals(defaultName) ? "" : " --name " + name;
            String bring = ": import it with 'jcap kernels import "
                    + (loader ? "osv-loader.qemu.x86_64" : "osv-zfs-builder.elf.x86_64.gz") + as
                    + "' or pull it with 'jcap kernels pull osv --url URL --sha256 HEX" + as + "'";
            throw new EnvironmentException(loader
                    ? "OSv loader image '" + name + "' is not in " + store.dir() + bring
                    : "fs zfs needs OSv's ZFS builder kernel '" + name + "', which is not in " + store.dir() + bring
                            + ", or use fs: rofs, which needs no builder");
        }
        Kernel kernel = store.get(name);
        if (kernel.kind() != kind) {
            throw new JcapException("kernel '" + name + "' is " + describe(kernel) + ", not an "
                    + (kind == KernelKind.OSV_LOADER ? "OSv loader image: name the loader in kernel (the ZFS builder"
                    + " kernel is found as '" + OsvKernelImporter.ZFS_BUILDER_NAME + "')"
                    : "OSv ZFS builder kernel: import OSv's zfs_builder.elf as '" + name + "'"));
        }
        return kernel;
    }

    private static String describe(Kernel kernel) {
        return switch (kernel.kind()) {
            case BZIMAGE -> "a Linux kernel";
            case OSV_LOADER -> "an OSv loader image";
            case OSV_ZFS_BUILDER -> "OSv's ZFS builder kernel";
        };
    }

    /** OSv takes environment variables as {@code --env=NAME=VALUE} options in front of the command. */
    static String envOptions(Capstanfile c) throws JcapException {
        StringBuilder options = new StringBuilder();
        for (Map.Entry<String, String> e : c.env().entrySet()) {
            options.append(OsvCommandLine.envOption(e.getKey(), e.getValue(), c.file() + ": env." + e.getKey()))
                    .append(' ');
        }
        return options.toString();
    }

    /** The first word that is not an option names the program; say so when the image lacks it. */
    static void warnIfCommandMissing(String cmdline, ImageTree tree, EventSink events) {
        program(cmdline).ifPresent(program -> warnIfMissing(program, tree, events));
    }

    /** The program a command line runs: its first word that is not an option, if it is a path. */
    static Optional<String> program(String cmdline) {
        for (String word : cmdline.trim().split("\\s+")) {
            if (!word.startsWith("--")) {
                return word.startsWith("/") ? Optional.of(word) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    static void warnIfMissing(String program, ImageTree tree, EventSink events) {
        try {
            if (!tree.contains(GuestPath.of(program))) {
                events.warn("the command " + program + " is not among the image's files; the image runs only if"
                        + " OSv's loader provides it");
            }
        } catch (IllegalArgumentException e) {
            // not a path jcap could check; OSv will say what it thinks of it
        }
    }
}
