package io.jcap.cli;

import io.jcap.builder.api.JcapHome;
import io.jcap.builder.registry.ImageReference;
import io.jcap.builder.registry.RegistryPull;
import io.jcap.builder.repository.ImageName;
import io.jcap.builder.repository.ImageOrigin;
import io.jcap.builder.repository.ImageRepository;
import io.jcap.cli.options.RegistryTlsOptions;
import io.jcap.cli.options.DebugVerbosity;
import io.jcap.model.JcapException;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "pull", description = {"Download an image jcap pushed to an OCI registry into the local repository.",
        "Every digest is verified; a disk naming a backing or external data file is refused."})
final class PullCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "REFERENCE", description = "REGISTRY/REPOSITORY[:TAG|@sha256:DIGEST].")
    String reference;

    @Option(names = "--name", paramLabel = "NAME", description = "The local image's name (default: the repository's last part).")
    String name;

    @Mixin
    RegistryTlsOptions tls;

    @Mixin
    DebugVerbosity verbosity;

    @Override
    public Integer call() throws JcapException, InterruptedException {
        ImageReference ref = reference(spec, reference);
        if (name != null) {
            try {
                ImageName.check(name);
            } catch (IllegalArgumentException e) {
                // Before the registry is asked for anything: the command line is wrong.
                throw new CommandLine.ParameterException(spec.commandLine(), "--name: " + e.getMessage(), e);
            }
        }
        ConsoleEvents events = new ConsoleEvents(spec.commandLine().getErr(), verbosity.verbose());
        ImageRepository.StoredImage image = new RegistryPull(tls.access(),
                new ImageRepository(JcapHome.fromEnvironment().images())).pull(ref, Optional.ofNullable(name), events);
        ImageOrigin origin = ImageOrigin.of(image).orElseThrow();
        spec.commandLine().getOut().println("Pulled " + origin.reference() + "@" + origin.digest() + " as "
                + image.metadata().name());
        return 0;
    }

    /** {@code text} as a registry reference, or a usage error naming what is wrong. */
    static ImageReference reference(CommandSpec spec, String text) {
        try {
            return ImageReference.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }
}
