package io.jcap.cli;

import io.jcap.builder.Instances;
import io.jcap.builder.api.JcapHome;
import io.jcap.model.JcapException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "rm", description = {"Remove detached instances.",
        "Their console log, overlay disk and record go; a running one only with -f."})
final class RmCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "NAME", description = "Instances to remove.")
    List<String> names;

    @Option(names = {"-f", "--force"}, description = "Remove running instances too, stopping them at once.")
    boolean force;

    @Override
    public Integer call() throws JcapException, InterruptedException {
        Instances instances = new Instances(JcapHome.fromEnvironment(), new ConsoleEvents(spec.commandLine().getErr(),
                false));
        return EachName.run(names, spec.commandLine().getErr(), name -> {
            instances.remove(name, force);
            spec.commandLine().getOut().println("removed " + name);
        });
    }
}
