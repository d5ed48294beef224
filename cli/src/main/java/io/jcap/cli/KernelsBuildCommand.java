package io.jcap.cli;

import io.jcap.builder.api.JcapHome;
import io.jcap.kernels.Kernel;
import io.jcap.kernels.KernelStore;
import io.jcap.kernels.mini.LinuxSource;
import io.jcap.kernels.mini.MiniConfig;
import io.jcap.kernels.mini.MiniKernelBuild;
import io.jcap.model.JcapException;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jcap kernels build linux-mini}: jcap's tailored kernel from Debian's kernel source package. */
@Command(name = "build", description = {"Build a kernel from source and store it.",
        "linux-mini: jcap's tailored kernel (small, boots fast, no modules) from Debian's linux-source package"
                + " with jcap's config; minutes on two cores, with progress. A stored linux-mini of the same source"
                + " and config is kept."})
final class KernelsBuildCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "linux-mini.")
    String name;

    @Option(names = "--force", description = "Build again even when linux-mini of this source and config is stored.")
    boolean force;

    @Option(names = {"-j", "--jobs"}, paramLabel = "N",
            description = "Compile jobs at once (default: the number of CPUs).")
    Integer jobs;

    @Override
    public Integer call() throws JcapException {
        if (!name.equals(MiniKernelBuild.NAME)) {
            throw JcapException.usage("no kernel named '" + name + "' can be built: use " + MiniKernelBuild.NAME
                    + " (or jcap kernels pull linux for Debian's cloud kernel)");
        }
        int cpus = Runtime.getRuntime().availableProcessors();
        if (jobs != null && (jobs < 1 || jobs > 256)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--jobs: " + jobs + " is not a number of jobs (1 to 256)");
        }
        MiniKernelBuild build = new MiniKernelBuild(LinuxSource.find(LinuxSource.DEBIAN_FOLDER), MiniConfig.bundled(),
                jobs == null ? cpus : jobs);
        KernelStore store = KernelsCommand.store();
        PrintWriter out = spec.commandLine().getOut();
        // A damaged linux-mini is built again, as --force would.
        Optional<Kernel> stored = force || !store.contains(MiniKernelBuild.NAME) ? Optional.empty()
                : KernelsCommand.intact(store, MiniKernelBuild.NAME, "building", spec.commandLine().getErr())
                        .filter(k -> k.origin().equals(build.origin()));
        if (stored.isPresent()) {
            out.println("kernel " + stored.get().name() + " " + stored.get().version() + " of " + build.origin()
                    + " is present and verified");
            return 0;
        }
        ConsoleEvents events = new ConsoleEvents(spec.commandLine().getErr(), false);
        Kernel kernel = build.build(store, JcapHome.fromEnvironment().tmp(), events);
        out.println("built kernel " + kernel.name() + " " + kernel.version() + " (" + kernel.origin() + ")");
        return 0;
    }
}
