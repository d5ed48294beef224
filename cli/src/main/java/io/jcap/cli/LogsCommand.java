package io.jcap.cli;

import io.jcap.builder.Instances;
import io.jcap.builder.api.JcapHome;
import io.jcap.cli.options.Verbosity;
import io.jcap.model.JcapException;
import java.io.PrintWriter;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "logs", description = "Print a detached instance's console: its application's output.")
final class LogsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "Instance name (see jcap ps).")
    String name;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new output until the instance ends.")
    boolean follow;

    @Option(names = {"-n", "--tail"}, paramLabel = "N", description = "Print only the last N lines of the output so"
            + " far (then what follows, with -f), as docker logs --tail.")
    Integer tail;

    /** Prints the whole console, boot messages included, not only the application's output. */
    @Mixin
    Verbosity verbosity;

    @Override
    public Integer call() throws JcapException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        ConsoleEvents events = new ConsoleEvents(spec.commandLine().getErr(), false);
        if (tail != null && tail < 0) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--tail: " + tail + " is not a number"
                    + " of lines: give 0 or more");
        }
        new Instances(JcapHome.fromEnvironment(), events).logs(name, follow, verbosity.verbose(),
                tail == null ? OptionalInt.empty() : OptionalInt.of(tail), new StdoutLines(out));
        out.flush();
        return 0;
    }
}
