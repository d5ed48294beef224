package io.jcap.cli;

import io.jcap.builder.ImageBuilder;
import io.jcap.builder.api.BuildRequest;
import io.jcap.builder.api.BuildResult;
import io.jcap.builder.api.JcapHome;
import io.jcap.cli.options.AcceleratorOption;
import io.jcap.cli.options.Verbosity;
import io.jcap.model.JcapException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
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
            description = "Project folder holding the Capstanfile (default: the current folder).")
    Path dir;

    @Option(names = "--name", description = "Image name (default: the project folder's name).")
    String name;

    /** The builder VM's accelerator. */
    @Mixin
    AcceleratorOption accel;

    @Option(names = "--force", description = "Build even when an image with the same inputs exists.")
    boolean force;

    /** Shows the builder VM's console and debug messages. */
    @Mixin
    Verbosity verbosity;

    @Override
    public Integer call() throws JcapException, InterruptedException {
        ConsoleEvents events = new ConsoleEvents(spec.commandLine().getErr(), verbosity.verbose());
        BuildResult result = new ImageBuilder(JcapHome.fromEnvironment(), events)
                .build(new BuildRequest(dir, Optional.ofNullable(name), accel.accelerator(), force));
        var m = result.image().metadata();
        spec.commandLine().getOut().printf("%s %s: %s on disk, %s virtual, kernel %s%n",
                result.reused() ? "Unchanged image" : "Built image", m.name(), ConsoleEvents.human(m.diskSize()),
                ConsoleEvents.human(m.virtualSize()), m.kernel());
        return 0;
    }
}
