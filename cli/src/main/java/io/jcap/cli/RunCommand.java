package io.jcap.cli;

import io.jcap.builder.ImageRunner;
import io.jcap.builder.JcapHome;
import io.jcap.builder.RunRequest;
import io.jcap.model.JcapException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "run", description = {"Boot an image and show its console; exits with the application's exit code.",
        "The image boots from a throw-away overlay, so the stored image stays as it was."})
final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "Image name (see jcap images).")
    String image;

    @Option(names = "--accel", defaultValue = "auto",
            description = "Accelerator: auto (probe KVM, else TCG), kvm or tcg. Default: ${DEFAULT-VALUE}.")
    String accel;

    @Option(names = {"-v", "--verbose"}, description = "Show the whole console, boot messages included.")
    boolean verbose;

    @Override
    public Integer call() throws JcapException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        ConsoleEvents events = new ConsoleEvents(spec.commandLine().getErr(), verbose);
        return new ImageRunner(JcapHome.fromEnvironment(), events)
                .run(new RunRequest(image, Accel.parse(accel), verbose), line -> {
                    out.println(line);
                    out.flush();
                });
    }
}
