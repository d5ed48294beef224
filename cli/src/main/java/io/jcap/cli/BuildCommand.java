package io.jcap.cli;

import io.jcap.builder.ImageBuilder;
import io.jcap.builder.api.BuildRequest;
import io.jcap.builder.api.BuildResult;
import io.jcap.builder.api.JcapHome;
import io.jcap.capstanfile.CapstanfileException;
import io.jcap.cli.options.AcceleratorOption;
import io.jcap.cli.options.Verbosity;
import io.jcap.model.JcapException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "build", description = "Build a project's image into the local repository.")
final class BuildCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", defaultValue = ".", paramLabel = "DIR",
            description = "Project folder holding the Capstanfile, or a Capstan package's folder (the one holding"
                    + " meta/) (default: the current folder).")
    Path dir;

    @Option(names = "--name", description = "Image name (default: the project folder's name, lower-cased, other characters than letters,"
            + " digits, '.', '_' and '-' as '-'); a build replaces the image of that name.")
    String name;

    /** The builder VM's accelerator. */
    @Mixin
    AcceleratorOption accel;

    @Option(names = "--force", description = "Build even when an image with the same inputs exists.")
    boolean force;

    @Option(names = "--from", paramLabel = "IMAGE",
            description = "Build from a container image: oci:DIR[:TAG], oci-archive:FILE.tar, docker-archive:FILE.tar"
                    + " or REGISTRY/REPO[:TAG]"
                    + " (its layers are the files, its config how it runs). Replaces the Capstanfile's from:; without a"
                    + " Capstanfile, DIR only names the image (docs/containers.md).")
    String from;

    @Option(names = "--config-set", paramLabel = "NAME",
            description = "For a Capstan package (meta/run.yaml, no Capstanfile): the named configuration the image"
                    + " boots by default, instead of its config_set_default; several, as a,b, run one after the other."
                    + " Every configuration stays in the image.")
    String configSet;

    @Option(names = "--fs", paramLabel = "FS",
            description = "For a Capstan package (meta/, no Capstanfile): the file system of its OSv image, rofs"
                    + " (read-only, written here; the default) or zfs (writable, through OSv's ZFS builder), as"
                    + " capstan package compose --fs.")
    String fs;

    /** Shows the builder VM's console and debug messages. */
    @Mixin
    Verbosity verbosity;

    @Override
    public Integer call() throws JcapException, InterruptedException {
        BuildRequest request;
        try {
            request = new BuildRequest(dir, Optional.ofNullable(name), accel.accelerator(), force)
                    .withConfigSet(RunOptions.configSet(configSet)).withFs(RunOptions.osvFs(fs))
                    .withFrom(Optional.ofNullable(from)
                            // --from's relative path is the current folder's, not DIR's.
                            .map(f -> io.jcap.builder.container.ContainerSource.fromCommandLine(f, dir, false)));
        } catch (CommandLine.ParameterException | IllegalArgumentException e) {
            // A bad --name (ImageName's rule) or configuration set: the command line is wrong.
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        ConsoleEvents events = new ConsoleEvents(spec.commandLine().getErr(), verbosity.verbose());
        BuildResult result;
        try {
            result = new ImageBuilder(JcapHome.fromEnvironment(), events).build(request);
        } catch (CapstanfileException e) {
            // As validate prints them: a line each, then how many.
            ValidateCommand.printProblems(e, dir, spec.commandLine().getErr());
            Path absolute = dir.toAbsolutePath().normalize();
            Path file = e.file().startsWith(absolute) ? dir.resolve(absolute.relativize(e.file())).normalize() : e.file();
            int n = e.problems().size();
            throw new JcapException(n + (n == 1 ? " problem" : " problems") + " in " + file, e);
        }
        var m = result.image().metadata();
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%s %s: %s on disk, %s virtual, kernel %s%n",
                result.reused() ? "Unchanged image" : "Built image", m.name(), ConsoleEvents.human(m.diskSize()),
                ConsoleEvents.human(m.virtualSize()), m.kernel());
        if (m.configSets().size() > 1) {
            out.printf("Configurations: %s (run one with jcap run %s --config-set NAME)%n",
                    ValidateCommand.configurations(m.configSets().keySet(), m.defaultConfigSet()), m.name());
        }
        return 0;
    }
}
