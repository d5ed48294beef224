package io.jcap.cli;

import io.jcap.capstanfile.Capstanfile;
import io.jcap.capstanfile.CapstanfileException;
import io.jcap.capstanfile.CapstanfileParser;
import io.jcap.capstanfile.Problem;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "validate", description = "Check a project's Capstanfile and print every problem (exit 1 if any).")
final class ValidateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", defaultValue = ".", paramLabel = "DIR",
            description = "Project folder (default: the current folder).")
    Path dir;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try {
            Capstanfile file = new CapstanfileParser().parse(dir);
            out.println(dir.resolve(CapstanfileParser.FILE_NAME).normalize() + ": valid (runs "
                    + file.cmdline().orElse("the command derived from its runtime section") + ")");
            return 0;
        } catch (CapstanfileException e) {
            for (Problem problem : e.problems()) {
                out.println(problem);
            }
            int n = e.problems().size();
            spec.commandLine().getErr().println("jcap: " + n + (n == 1 ? " problem" : " problems") + " in "
                    + e.file());
            return 1;
        }
    }
}
