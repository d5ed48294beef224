package io.jcap.cli;

import io.jcap.builder.ImageRepository;
import io.jcap.builder.JcapHome;
import io.jcap.model.JcapException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "rmi", description = "Remove images from the local repository.")
final class RmiCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "NAME", description = "Images to remove.")
    List<String> names;

    @Override
    public Integer call() throws JcapException {
        ImageRepository repository = new ImageRepository(JcapHome.fromEnvironment().images());
        for (String name : names) {
            if (!repository.remove(name)) {
                throw new JcapException("no image named '" + name + "'");
            }
            spec.commandLine().getOut().println("removed " + name);
        }
        return 0;
    }
}
