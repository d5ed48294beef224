package io.jcap.cli;

import io.jcap.builder.ImageBuilder;
import io.jcap.builder.api.JcapHome;
import io.jcap.builder.runtime.JavaCommandLine;
import io.jcap.capstanfile.Capstanfile;
import io.jcap.capstanfile.CapstanfileException;
import io.jcap.capstanfile.CapstanfileParser;
import io.jcap.capstanfile.Problem;
import io.jcap.capstanfile.Runtime;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import io.jcap.model.Printable;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "validate", description = {"Check a project's Capstanfile and print every problem (exit 1 if any).",
        "Host files that the package file's build command produces may be missing until it runs.",
        "A folder with a Capstan package's meta/package.yaml and meta/run.yaml and no Capstanfile is checked as that.",
        "What needs the files' contents (interpreters, dynamic loaders, the total size) is checked by jcap build."})
final class ValidateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", defaultValue = ".", paramLabel = "DIR",
            description = "Project folder (default: the current folder).")
    Path dir;

    @Override
    public Integer call() throws JcapException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw JcapException.usage(dir + " is a file: give the project folder that holds the Capstanfile");
        }
        if (!Files.exists(dir)) {
            throw JcapException.usage("project folder " + dir + " does not exist");
        }
        PrintWriter out = spec.commandLine().getOut();
        boolean capstanPackage = !Files.exists(dir.resolve(CapstanfileParser.FILE_NAME))
                && CapstanfileParser.isCapstanPackage(dir);
        Path file = dir.resolve(capstanPackage ? "meta" : CapstanfileParser.FILE_NAME).normalize();
        if (!capstanPackage && CapstanfileParser.isCapstanPackage(dir)) {
            out.println(file + ": note: meta/ is ignored: the Capstanfile says how the image is built");
        }
        try {
            Capstanfile capstanfile = parse(out, file);
            new ImageBuilder(JcapHome.fromEnvironment(), EventSink.NONE).check(capstanfile);
            for (String note : ImageBuilder.notes(capstanfile)) {
                out.println(file + ": note: " + Printable.lines(note));
            }
            Path checked = capstanPackage ? dir.resolve("meta/run.yaml").normalize() : file;
            out.println(checked + ": valid (runs " + Printable.controls(command(capstanfile)) + capstanfile.capstanPackage()
                    .filter(p -> p.named())
                    .map(p -> "; configurations " + configurations(p.configSets().keySet(), p.defaultConfigSet()))
                    .orElse("") + ")");
            return 0;
        } catch (CapstanfileException e) {
            printProblems(e, dir, out);
            out.flush();
            int n = e.problems().size();
            spec.commandLine().getErr().println("jcap: " + n + (n == 1 ? " problem" : " problems") + " in " + file);
            return 1;
        } catch (JcapException e) {
            out.println(file + ": " + Printable.lines(e.getMessage()));
            out.flush();
            spec.commandLine().getErr().println("jcap: 1 problem in " + file);
            return 1;
        }
    }

    /**
     * The Capstanfile, read once with every check: a host file or folder that is missing is a note
     * when a build command may make it, a problem otherwise, and reported with the file's other
     * problems in one run (a first read that skipped them hid them until the rest was fixed).
     */
    private Capstanfile parse(PrintWriter out, Path file) throws CapstanfileException {
        try {
            return new CapstanfileParser().parse(dir);
        } catch (CapstanfileException e) {
            if (!CapstanfileParser.hasBuildCommand(dir)) {
                throw e;
            }
            List<Problem> problems = new ArrayList<>();
            for (Problem p : e.problems()) {
                if (CapstanfileParser.isMissingHostPath(p)) {
                    out.println(file + ": note: " + p.key() + ": " + p.message().replace(" does not exist ",
                            " does not exist yet ") + "; the build command must make it");
                } else {
                    problems.add(p);
                }
            }
            if (!problems.isEmpty()) {
                throw new CapstanfileException(e.file(), problems);
            }
            return CapstanfileParser.beforeBuild().parse(dir);
        }
    }

    /**
     * Each problem of {@code e} on a line of its own, its file shown from the project folder as
     * the user named it ({@code myapp/Capstanfile:3:7: ...}), as validate and build print them.
     */
    static void printProblems(CapstanfileException e, Path dir, PrintWriter to) {
        for (Problem p : e.problems()) {
            Path shown = p.file().isAbsolute() ? p.file() : dir.resolve(p.file()).normalize();
            to.println(Printable.lines(new Problem(shown, p.line(), p.column(), p.key(), p.message()).toString()));
        }
    }

    /** A Capstan package's configuration names, the default one marked: {@code hello (default), shout}. */
    static String configurations(Collection<String> names, String defaultName) {
        if (defaultName != null && defaultName.contains(",")) {
            return String.join(", ", names) + "; the default runs " + String.join(", then ", defaultName.split(","));
        }
        return names.stream().map(n -> n.equals(defaultName) ? n + " (default)" : n).collect(Collectors.joining(", "));
    }

    /** The command the image will run: the package file's, or the one its Java runtime derives. */
    private static String command(Capstanfile capstanfile) throws JcapException {
        if (capstanfile.capstanPackage().filter(p -> p.defaultSequence().size() > 1).isPresent()) {
            return "configurations " + String.join(", then ", capstanfile.capstanPackage().get().defaultSequence());
        }
        java.util.Optional<String> base = capstanfile.capstanPackage().flatMap(p -> p.defaultSet().base());
        if (base.isPresent()) {
            // A package's base names a configuration of a required package, read at the build.
            return "the command of configuration " + base.get();
        }
        if (capstanfile.cmdline().isPresent()) {
            return capstanfile.cmdline().get();
        }
        if (capstanfile.runtime().orElse(null) instanceof Runtime.Java java) {
            return JavaCommandLine.derived(java);
        }
        if (capstanfile.from().isPresent()) {
            // validate reads no image: what it would run is known once the build reads it.
            return "the command of container image " + capstanfile.from().get() + ", which validate does not read"
                    + " (jcap init --from writes it out)";
        }
        return "the command derived from its runtime section";
    }
}
