package io.jcap.cli;

import io.jcap.builder.api.JcapHome;
import io.jcap.kernels.AptClient;
import io.jcap.kernels.Kernel;
import io.jcap.kernels.KernelStore;
import io.jcap.kernels.LinuxFlavour;
import io.jcap.kernels.LinuxKernels;
import io.jcap.kernels.imports.KernelImport;
import io.jcap.kernels.mini.MiniKernelBuild;
import io.jcap.kernels.osv.OsvKernelImporter;
import io.jcap.model.JcapException;
import io.jcap.model.Sha256;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "kernels", description = "List, pull, build and import kernels (each verified by SHA-256 on use).",
        subcommands = {KernelsCommand.ListKernels.class, KernelsCommand.Pull.class, KernelsBuildCommand.class,
                KernelsCommand.Import.class, KernelsCommand.Remove.class})
final class KernelsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws JcapException {
        return ListKernels.print(spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    static KernelStore store() {
        return new KernelStore(JcapHome.fromEnvironment().kernels());
    }

    /**
     * The stored kernel {@code name} when its files are intact; empty, with a line on {@code err}
     * saying what is damaged and that it is being made again ({@code doing}: "pulling",
     * "building"), when they are not: the pull or build that follows replaces it.
     */
    static Optional<Kernel> intact(KernelStore store, String name, String doing, PrintWriter err)
            throws JcapException {
        try {
            return Optional.of(store.get(name));
        } catch (KernelStore.DamagedKernelException e) {
            err.println(e.problem() + ": " + doing + " it again");
            err.flush();
            return Optional.empty();
        }
    }

    @Command(name = "list", aliases = "ls", description = "List the kernels in jcap's home.")
    static final class ListKernels implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws JcapException {
            return print(spec.commandLine().getOut(), spec.commandLine().getErr());
        }

        static int print(PrintWriter out, PrintWriter err) throws JcapException {
            // Columns as wide as their longest cell: a name of 64 characters keeps its row in line.
            TextTable table = new TextTable("NAME", "FAMILY", "KIND", "VERSION", "FLAVOUR", "SHA-256 (image)");
            KernelStore.Listing listing = store().listing();
            for (Kernel k : listing.kernels()) {
                table.add(k.name(), k.family(), k.kind().id(), k.version(), k.flavour(),
                        k.imageSha256().hex().substring(0, 16));
            }
            for (KernelStore.BrokenKernel broken : listing.broken()) {
                table.add(broken.name(), "-", "-", "(broken)", "-", "-");
            }
            table.print(out);
            if (listing.kernels().isEmpty() && listing.broken().isEmpty()) {
                // Said on stderr: stdout stays the table a script reads.
                err.println("No kernels yet: jcap kernels pull linux gets Debian's cloud kernel, which images use"
                        + " unless their Capstanfile names another");
            }
            // One line per broken kernel on stderr: what is wrong and what to do.
            for (KernelStore.BrokenKernel broken : listing.broken()) {
                err.println("warning: " + broken.problem());
            }
            return 0;
        }
    }

    @Command(name = "pull", description = {"Get a kernel and store it.",
            "linux: Debian's cloud kernel (the default, small and fast to boot); linux-generic: Debian's generic kernel;"
                    + " both come from the system's package client.",
            "osv: OSv's loader image or ZFS builder kernel from --url, checked against --sha256 before it is stored."})
    static final class Pull implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME", description = "linux, linux-generic or osv.")
        String name;

        @Option(names = "--force", description = "Pull again even when the kernel is present and verified (linux).")
        boolean force;

        @Option(names = "--url", paramLabel = "URL", description = "osv: where to download the file (http or https).")
        String url;

        @Option(names = "--sha256", paramLabel = "HEX", description = "osv: the SHA-256 the file must have.")
        String sha256;

        @Option(names = "--name", paramLabel = "NAME",
                description = "osv: store it under this name (default: osv for a loader, osv-zfs-builder for a builder).")
        String storeName;

        @Override
        public Integer call() throws JcapException, InterruptedException {
            if (name.equals("osv")) {
                return pullOsv();
            }
            LinuxFlavour flavour = switch (name) {
                case "linux" -> LinuxFlavour.CLOUD;
                case "linux-generic" -> LinuxFlavour.GENERIC;
                default -> throw JcapException.usage("no kernel named '" + name
                        + "' can be pulled: use linux, linux-generic or osv (or jcap kernels import FILE"
                        + (name.equals(MiniKernelBuild.NAME)
                                ? "; linux-mini is built: jcap kernels build linux-mini)" : ")"));
            };
            if (url != null || sha256 != null || storeName != null) {
                throw usage("--url, --sha256 and --name are for 'jcap kernels pull osv'; " + name
                        + " comes from the system's package client");
            }
            KernelStore store = store();
            PrintWriter out = spec.commandLine().getOut();
            if (!force && store.contains(flavour.storeName())) {
                Optional<Kernel> intact = intact(store, flavour.storeName(), "pulling", spec.commandLine().getErr());
                if (intact.isPresent()) {
                    Kernel kernel = intact.get();
                    List<String> missing = flavour.missingFrom(kernel);
                    if (missing.isEmpty()) {
                        out.println("kernel " + kernel.name() + " " + kernel.version() + " is present and verified");
                        return 0;
                    }
                    spec.commandLine().getErr().println("kernel " + kernel.name() + " lacks modules this version of"
                            + " jcap puts in images (" + String.join(", ", missing) + "): pulling it again");
                }
            }
            ConsoleEvents events = new ConsoleEvents(spec.commandLine().getErr(), false);
            Kernel kernel = new LinuxKernels(new AptClient()).pull(flavour, store, events);
            out.println("pulled kernel " + kernel.name() + " " + kernel.version() + " (" + kernel.origin() + ")");
            return 0;
        }

        private int pullOsv() throws JcapException, InterruptedException {
            if (url == null) {
                throw usage("'jcap kernels pull osv' needs --url URL: where OSv's loader image or ZFS builder kernel is"
                        + " (for example a release asset osv-loader.qemu.x86_64)");
            }
            if (sha256 == null) {
                throw usage("'jcap kernels pull osv' needs --sha256 HEX: the SHA-256 the file must have (OSv publishes"
                        + " none; take it from a copy you built or checked)");
            }
            Sha256 expected;
            URI uri;
            try {
                expected = Sha256.parse(sha256);
            } catch (IllegalArgumentException e) {
                throw usage("--sha256: '" + sha256 + "' is not a SHA-256 (64 hex digits)");
            }
            try {
                uri = new URI(url);
            } catch (URISyntaxException e) {
                throw usage("--url: '" + url + "' is not a URL: " + e.getReason());
            }
            ConsoleEvents events = new ConsoleEvents(spec.commandLine().getErr(), false);
            Kernel kernel = new OsvKernelImporter().pull(uri, expected, Optional.ofNullable(storeName), store(),
                    JcapHome.fromEnvironment().tmp(), events);
            spec.commandLine().getOut().println("pulled kernel " + kernel.name() + " (" + kernel.family() + " "
                    + kernel.kind().id() + ", SHA-256 " + kernel.imageSha256() + ")");
            return 0;
        }

        private CommandLine.ParameterException usage(String message) {
            return new CommandLine.ParameterException(spec.commandLine(), message);
        }
    }

    @Command(name = "rm", description = {"Remove kernels from jcap's home.",
            "Images built with one still boot (each keeps its own link or copy of the kernel); building them again"
                    + " needs it back."})
    static final class Remove implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(arity = "1..*", paramLabel = "NAME", description = "Kernels to remove, as jcap kernels lists them.")
        List<String> names;

        @Override
        public Integer call() throws InterruptedException {
            KernelStore store = store();
            return EachName.run(names, spec.commandLine().getErr(), name -> {
                if (!store.remove(name)) {
                    throw new JcapException("no kernel named '" + name + "' (jcap kernels lists them)");
                }
                spec.commandLine().getOut().println("removed kernel " + name);
            });
        }
    }

    @Command(name = "import", description = {"Import a kernel file, recognised by its content.",
            "It is a Debian kernel package (.deb) or a bzImage (give --name), or OSv's loader image or ZFS builder kernel"
                    + " (gzip-compressed or not; stored as osv or osv-zfs-builder unless --name says otherwise)."})
    static final class Import implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE", description = "The kernel file.")
        Path file;

        @Option(names = "--name", description = "Name to store the kernel under (required for a Linux kernel).")
        String name;

        @Option(names = "--force", description = "Replace a stored kernel of the --name given.")
        boolean force;

        @Override
        public Integer call() throws JcapException {
            ConsoleEvents events = new ConsoleEvents(spec.commandLine().getErr(), false);
            KernelStore store = store();
            // jcap kernels import vmlinuz --name linux replaced Debian's kernel and its modules without a
            // word; an OSv file without --name replaced the stored osv the same way.
            if (name != null && !KernelStore.isName(name)) {
                throw JcapException.usage("--name: " + KernelStore.nameProblem(name));
            }
            Optional<String> storeName = KernelImport.storeName(file, Optional.ofNullable(name));
            if (storeName.isPresent() && !force && store.contains(storeName.get())) {
                throw JcapException.usage("kernel '" + storeName.get() + "' is already stored (jcap kernels lists it):"
                        + " import under another --name, or replace it with --force");
            }
            Kernel kernel = KernelImport.importFile(file, Optional.ofNullable(name), store, events);
            spec.commandLine().getOut().println("imported kernel " + kernel.name() + " (" + kernel.family() + " "
                    + kernel.kind().id() + ", " + kernel.version() + ", SHA-256 " + kernel.imageSha256() + ")");
            return 0;
        }
    }
}
