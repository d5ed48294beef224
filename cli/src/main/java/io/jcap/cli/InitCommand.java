package io.jcap.cli;

import io.jcap.builder.api.JcapHome;
import io.jcap.builder.container.ContainerCapstanfile;
import io.jcap.builder.container.ContainerSource;
import io.jcap.capstanfile.CapstanfileParser;
import io.jcap.host.TempFiles;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "init", description = "Write a commented Capstanfile for a native or a Java application, or for a"
        + " container image (--from); or a Capstan package's meta/ (--package).")
final class InitCommand implements Callable<Integer> {
    enum Runtime { native_, java, node, python;

        @Override
        public String toString() {
            return this == native_ ? "native" : name();
        }
    }

    /** What the native template builds: written into a new or empty folder. */
    private static final String STARTING_PROGRAM = "hello.c";
    /** A new or truncated file (a Capstanfile, meta/'s files), never written through a symbolic link. */
    static final java.nio.file.OpenOption[] NOT_THROUGH_A_LINK = {java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.TRUNCATE_EXISTING, java.nio.file.StandardOpenOption.WRITE,
        java.nio.file.LinkOption.NOFOLLOW_LINKS};

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", defaultValue = ".", paramLabel = "DIR",
            description = "Project folder (default: the current folder).")
    Path dir;

    @Option(names = "--runtime", defaultValue = "native", converter = RuntimeConverter.class,
            description = "native (a program and its libraries) or java (a jar or main class); with --package also"
                    + " node or python, Capstan's runtimes. Default: ${DEFAULT-VALUE}.")
    Runtime runtime;

    @Option(names = "--package", description = "Write a Capstan package's meta/package.yaml and meta/run.yaml instead"
            + " of a Capstanfile: an OSv image whose required packages come from Capstan's repository.")
    boolean capstanPackage;

    @Option(names = "--force", description = "Overwrite an existing Capstanfile (with --package: meta/package.yaml and"
            + " meta/run.yaml).")
    boolean force;

    @Option(names = "--from", paramLabel = "IMAGE",
            description = "A container image (oci:DIR[:TAG], oci-archive:FILE.tar, docker-archive:FILE.tar, REGISTRY/REPO[:TAG]):"
                    + " write from:"
                    + " and what its config says (command, env, ports) for you to edit.")
    String from;

    @Override
    public Integer call() throws JcapException {
        if (from != null && spec.commandLine().getParseResult().hasMatchedOption("--runtime")) {
            throw JcapException.usage("--runtime and --from do not go together: a container image's Capstanfile runs"
                    + " the image's own command");
        }
        if (from != null && capstanPackage) {
            throw JcapException.usage("--package and --from do not go together: a container image becomes a Linux image,"
                    + " a Capstan package an OSv image");
        }
        if (!capstanPackage && (runtime == Runtime.node || runtime == Runtime.python)) {
            throw JcapException.usage("--runtime " + runtime + " is one of Capstan's package runtimes: add --package (a"
                    + " Capstanfile's runtimes are native and java)");
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw JcapException.usage(dir + " is a file: jcap init writes a Capstanfile into a folder (a new one is made)");
        }
        if (capstanPackage) {
            return new PackageInit(dir, force, spec.commandLine().getOut()).write(runtime.toString());
        }
        Path file = dir.resolve("Capstanfile");
        if (Files.isSymbolicLink(file)) {
            // Written through, it would make or overwrite the link's target, wherever that is.
            throw new JcapException(file + " is a symbolic link: jcap init writes a file of its own there, not through"
                    + " a link (remove the link first)");
        }
        if (Files.exists(file) && !force) {
            throw new JcapException(file + " already exists (use --force to overwrite it)");
        }
        if (!force && !Files.exists(file) && CapstanfileParser.isCapstanPackage(dir)) {
            // A Capstanfile there would take the package's place without a word at build time.
            throw new JcapException(dir + " is a Capstan package (meta/): 'jcap build " + dir + "' builds it as it"
                    + " is, and a Capstanfile there would take its place (use --force to write one anyway)");
        }
        if (from != null) {
            return fromContainer(file);
        }
        Path program = dir.resolve(STARTING_PROGRAM);
        String found = "";
        try {
            // A new or empty folder gets the program the template builds, so that it builds as it is.
            boolean starter = runtime == Runtime.native_ && isEmptyOrMissing(dir);
            byte[] template = template("capstanfile-" + runtime + ".yaml");
            if (runtime == Runtime.java) {
                JavaInit.Fit fit = JavaInit.fit(dir);
                template = fit.apply(new String(template, java.nio.charset.StandardCharsets.UTF_8))
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                found = fit.description();
            }
            Files.createDirectories(dir);
            Files.write(file, template, NOT_THROUGH_A_LINK);
            if (starter) {
                Files.write(program, template(STARTING_PROGRAM), NOT_THROUGH_A_LINK);
                spec.commandLine().getOut().println("wrote " + program + " (a starting program)");
            }
        } catch (IOException e) {
            throw new JcapException("could not write " + file + ": " + e.getMessage(), e);
        }
        spec.commandLine().getOut().println("wrote " + file + " (" + runtime + " application" + (found.isEmpty() ? ""
                : ": " + found) + "); edit it, then run: jcap build " + dir);
        return 0;
    }

    private static boolean isEmptyOrMissing(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return true;
        }
        try (java.util.stream.Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    private int fromContainer(Path file) throws JcapException {
        JcapHome home = JcapHome.fromEnvironment();
        Path scratch = TempFiles.register(home.newWorkDir("init-"));
        try {
            // --from's relative path is the current folder's; the Capstanfile's from: is read from DIR.
            String text = ContainerCapstanfile.describe(ContainerSource.fromCommandLine(from, dir, true),
                    dir.toAbsolutePath().normalize(), scratch,
                    new ConsoleEvents(spec.commandLine().getErr(), false));
            Files.createDirectories(dir);
            Files.write(file, text.getBytes(java.nio.charset.StandardCharsets.UTF_8), NOT_THROUGH_A_LINK);
        } catch (IOException e) {
            throw new JcapException("could not write " + file + ": " + e.getMessage(), e);
        } finally {
            TempFiles.delete(scratch);
        }
        spec.commandLine().getOut().println("wrote " + file + " (from " + from + "); edit it, then run: jcap build " + dir);
        return 0;
    }

    /** A template of this package's resources. */
    static byte[] template(String resource) {
        try (InputStream in = InitCommand.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read resource " + resource, e);
        }
    }

    static final class RuntimeConverter implements picocli.CommandLine.ITypeConverter<Runtime> {
        @Override
        public Runtime convert(String value) {
            return switch (value) {
                case "native" -> Runtime.native_;
                case "java" -> Runtime.java;
                case "node" -> Runtime.node;
                case "python" -> Runtime.python;
                default -> throw new picocli.CommandLine.TypeConversionException(
                        "'" + value + "' is not a runtime: use native or java (with --package also node or python)");
            };
        }
    }
}
