package io.jcap.cli;

import io.jcap.builder.Instances;
import io.jcap.builder.api.JcapHome;
import io.jcap.builder.instance.Instance;
import io.jcap.cli.options.DurationConverter;
import io.jcap.model.JcapException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "stop", description = {"Stop detached instances.",
        "The power button asks the application to end (SIGTERM); after the timeout QEMU is made to quit.",
        "An instance still booting gets the button once its application has started, within the timeout."})
final class StopCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "NAME", description = "Instances to stop.")
    List<String> names;

    // --timeout first: a bad value is reported as "--timeout: ..." (see UsageErrors).
    @Option(names = {"--timeout", "-t"}, paramLabel = "DURATION", defaultValue = "10s",
            converter = DurationConverter.class,
            description = "How long the application gets to end (10s, 500ms, 2m; 0 quits at once). "
                    + "Default: ${DEFAULT-VALUE}.")
    Duration timeout;

    @Override
    public Integer call() throws JcapException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        Instances instances = new Instances(JcapHome.fromEnvironment(), new ConsoleEvents(spec.commandLine().getErr(),
                false));
        return EachName.run(names, spec.commandLine().getErr(), name -> {
            boolean wasRunning = instances.get(name).status().running();
            Instance stopped = instances.stop(name, timeout);
            out.println(wasRunning ? "stopped " + name + ": " + stopped.status()
                    : name + " was not running: " + stopped.status());
            out.flush();
        });
    }
}
