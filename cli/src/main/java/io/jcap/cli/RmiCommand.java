package io.jcap.cli;

import io.jcap.builder.Instances;
import io.jcap.builder.api.JcapHome;
import io.jcap.builder.repository.ImageRepository;
import io.jcap.model.JcapException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "rmi", description = {"Remove images from the local repository.",
        "An image that running instances use stays, unless -f."})
final class RmiCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "NAME", description = "Images to remove.")
    List<String> names;

    @Option(names = {"-f", "--force"},
            description = "Remove images that running instances use; they run on with the files they hold open.")
    boolean force;

    @Override
    public Integer call() throws JcapException, InterruptedException {
        JcapHome home = JcapHome.fromEnvironment();
        ImageRepository repository = new ImageRepository(home.images());
        Instances instances = new Instances(home, new ConsoleEvents(spec.commandLine().getErr(), false));
        return EachName.run(names, spec.commandLine().getErr(), name -> {
            if (!instances.removeImage(name, force, repository::remove)) {
                throw new JcapException("no image named '" + name + "'");
            }
            spec.commandLine().getOut().println("removed " + name);
        });
    }
}
