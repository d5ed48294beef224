package io.jcap.cli;

import io.jcap.builder.JcapHome;
import io.jcap.kernels.AptClient;
import io.jcap.kernels.Kernel;
import io.jcap.kernels.KernelStore;
import io.jcap.kernels.LinuxFlavour;
import io.jcap.kernels.LinuxKernels;
import io.jcap.model.JcapException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "kernels", description = "List, pull and import kernels (each verified by SHA-256 on every use).",
        subcommands = {KernelsCommand.ListKernels.class, KernelsCommand.Pull.class, KernelsCommand.Import.class})
final class KernelsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws JcapException {
        return ListKernels.print(spec.commandLine().getOut());
    }

    static KernelStore store() {
        return new KernelStore(JcapHome.fromEnvironment().kernels());
    }

    @Command(name = "list", description = "List the kernels in jcap's home.")
    static final class ListKernels implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws JcapException {
            return print(spec.commandLine().getOut());
        }

        static int print(PrintWriter out) throws JcapException {
            String format = "%-16s %-8s %-28s %-8s %s%n";
            out.printf(format, "NAME", "FAMILY", "VERSION", "FLAVOUR", "SHA-256 (vmlinuz)");
            for (Kernel k : store().list()) {
                out.printf(format, k.name(), k.family(), k.version(), k.flavour(), k.vmlinuzSha256().hex().substring(0, 16));
            }
            return 0;
        }
    }

    @Command(name = "pull", description = {"Get a kernel with the system's package client and store it.",
            "linux: Debian's cloud kernel (the default, small and fast to boot); linux-generic: Debian's generic kernel."})
    static final class Pull implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME", description = "linux or linux-generic.")
        String name;

        @Option(names = "--force", description = "Pull again even when the kernel is present and verified.")
        boolean force;

        @Override
        public Integer call() throws JcapException {
            LinuxFlavour flavour = switch (name) {
                case "linux" -> LinuxFlavour.CLOUD;
                case "linux-generic" -> LinuxFlavour.GENERIC;
                default -> throw new JcapException("no kernel named '" + name
                        + "' can be pulled: use linux or linux-generic (OSv kernels: jcap kernels import FILE)");
            };
            KernelStore store = store();
            PrintWriter out = spec.commandLine().getOut();
            if (!force && store.contains(flavour.storeName())) {
                Kernel kernel = store.get(flavour.storeName());
                out.println("kernel " + kernel.name() + " " + kernel.version() + " is present and verified");
                return 0;
            }
            ConsoleEvents events = new ConsoleEvents(spec.commandLine().getErr(), false);
            Kernel kernel = new LinuxKernels(new AptClient()).pull(flavour, store, events);
            out.println("pulled kernel " + kernel.name() + " " + kernel.version() + " (" + kernel.origin() + ")");
            return 0;
        }
    }

    @Command(name = "import", description = "Import a kernel file: a Debian kernel package (.deb) or a bzImage.")
    static final class Import implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE", description = "The kernel file.")
        Path file;

        @Option(names = "--name", required = true, description = "Name to store the kernel under.")
        String name;

        @Override
        public Integer call() throws JcapException {
            ConsoleEvents events = new ConsoleEvents(spec.commandLine().getErr(), false);
            Kernel kernel = new LinuxKernels(new AptClient()).importKernel(file, name, store(), events);
            spec.commandLine().getOut().println("imported kernel " + kernel.name() + " " + kernel.version());
            return 0;
        }
    }
}
