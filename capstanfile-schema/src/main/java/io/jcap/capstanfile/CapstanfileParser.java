package io.jcap.capstanfile;

import com.fasterxml.jackson.databind.JsonNode;
import io.jcap.capstanfile.yaml.Finding;
import io.jcap.capstanfile.yaml.LocatedYaml;
import io.jcap.capstanfile.yaml.YamlPath;
import io.jcap.capstanfile.yaml.YamlSyntaxException;
import io.jcap.model.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a Capstanfile: YAML, checked against {@code capstanfile.schema.json}, then mapped to a
 * {@link Capstanfile} with the checks a schema cannot make (paths, files that must exist). Every
 * problem of the file is reported in one {@link CapstanfileException}.
 *
 * <pre>{@code
 * try {
 *     Capstanfile c = new CapstanfileParser().parse(Path.of("my-app"));
 * } catch (CapstanfileException e) {
 *     e.problems().forEach(p -> System.err.println(p));  // Capstanfile:3:1: unknown key ...
 * }
 * }</pre>
 *
 * A folder without a Capstanfile but with Capstan's package files ({@code meta/package.yaml},
 * {@code meta/run.yaml}) is read as a Capstan package (see {@link CapstanPackage}); when both
 * are there, the Capstanfile wins. Instances are immutable and thread-safe.
 *
 * <pre>{@code
 * Capstanfile pkg = new CapstanfileParser().withConfigSet(Optional.of("worker")).parse(Path.of("hdfs"));
 * }</pre>
 */
public final class CapstanfileParser {
    /** The file name looked for in a project folder. */
    public static final String FILE_NAME = "Capstanfile";

    private final boolean checkHostFiles;
    private final Optional<String> configSet;
    private final Optional<String> defaultMain;
    private final SchemaPasses passes;

    /** A parser that also checks that every host file the package file names exists. */
    public CapstanfileParser() {
        this(true, Optional.empty(), Optional.empty(), SchemaPasses.NONE);
    }

    private CapstanfileParser(boolean checkHostFiles, Optional<String> configSet, Optional<String> defaultMain,
            SchemaPasses passes) {
        this.checkHostFiles = checkHostFiles;
        this.configSet = configSet;
        this.defaultMain = defaultMain;
        this.passes = passes;
    }

    /**
     * A parser that does not require host files to exist yet: for reading the {@code build}
     * command that produces them. Everything else is checked as usual.
     */
    public static CapstanfileParser beforeBuild() {
        return new CapstanfileParser(false, Optional.empty(), Optional.empty(), SchemaPasses.NONE);
    }

    /**
     * A parser that makes a Capstan package's image boot configuration {@code name} by default,
     * instead of the one its {@code meta/run.yaml} says; no effect on a Capstanfile.
     */
    public CapstanfileParser withConfigSet(Optional<String> name) {
        return new CapstanfileParser(checkHostFiles, name, defaultMain, passes);
    }

    /**
     * A parser for a caller that knows the application's main class (the Maven plugin, from the pom
     * or the jar's manifest): a Capstanfile naming no command ({@code cmdline}, or {@code main} or
     * {@code jar} under {@code runtime: java}) runs {@code mainClass} on the Java runtime instead of
     * being refused. Empty: the usual rule.
     *
     * <pre>{@code
     * Capstanfile c = new CapstanfileParser().withDefaultMain(Optional.of("com.example.Main")).parse(dir);
     * }</pre>
     */
    public CapstanfileParser withDefaultMain(Optional<String> mainClass) {
        return new CapstanfileParser(checkHostFiles, configSet, mainClass, passes);
    }

    /**
     * A parser that skips the schema check of a text {@code known} says passed it before, and
     * tells it of every text that passes now (everything else is checked as usual).
     */
    public CapstanfileParser withSchemaPasses(SchemaPasses known) {
        return new CapstanfileParser(checkHostFiles, configSet, defaultMain, known);
    }

    /** Whether {@code dir} holds Capstan's package files ({@code meta/package.yaml} or {@code meta/run.yaml}). */
    public static boolean isCapstanPackage(Path dir) {
        return CapstanPackageParser.isPackage(dir);
    }

    /** Whether {@code problem} is a host file or folder that does not exist (yet: a build command may make it). */
    public static boolean isMissingHostPath(Problem problem) {
        return problem.message().contains(HostFiles.MISSING);
    }

    /** Whether {@code projectDir}'s Capstanfile names a build command; false when it cannot be read as YAML. */
    public static boolean hasBuildCommand(Path projectDir) {
        try {
            JsonNode build = LocatedYaml.read(text(projectDir.resolve(FILE_NAME)), "a Capstanfile").root()
                    .path("build");
            return !build.isMissingNode() && !build.isNull();
        } catch (IOException | YamlSyntaxException e) {
            return false;
        }
    }

    /** Parses {@code projectDir/Capstanfile}, or, when there is none, the Capstan package in {@code projectDir}. */
    public Capstanfile parse(Path projectDir) throws CapstanfileException {
        Path dir = projectDir.toAbsolutePath().normalize();
        Path file = dir.resolve(FILE_NAME);
        if (!Files.exists(file) && CapstanPackageParser.isPackage(dir)) {
            return CapstanPackageParser.parse(dir, configSet);
        }
        return parse(file, dir);
    }

    /**
     * Parses {@code file}; relative host paths in it are resolved against {@code projectDir}.
     *
     * @throws CapstanfileException listing every problem, sorted by line
     */
    public Capstanfile parse(Path file, Path projectDir) throws CapstanfileException {
        Path dir = projectDir.toAbsolutePath().normalize();
        Path absolute = file.toAbsolutePath().normalize();
        Path shown = absolute.startsWith(dir) ? dir.relativize(absolute) : absolute;
        Path parent = dir.getParent();
        String text = read(absolute, shown, parent != null && dir.getFileName().toString().equals("meta")
                && CapstanPackageParser.isPackage(parent)
                ? "not found in " + dir + ", which is a Capstan package's meta/ folder: give the package's folder, "
                        + parent
                : "not found: write one in " + dir + " ('jcap init " + dir + "' writes a commented one; keys in"
                        + " docs/capstanfile.md)");
        LocatedYaml yaml;
        try {
            yaml = LocatedYaml.read(text, "a Capstanfile");
        } catch (YamlSyntaxException e) {
            throw new CapstanfileException(absolute, List.of(new Problem(shown, e.position().line(),
                    e.position().column(), "", e.getMessage())));
        }
        CapstanScalars.apply(yaml);
        List<Finding> schemaFindings = new ArrayList<>(yaml.findings());
        Sha256 key = passes == SchemaPasses.NONE ? null : SchemaPasses.key(text);
        if (key == null || !passes.contains(key)) {
            List<Finding> found = SchemaCheck.instance().check(yaml);
            if (found.isEmpty() && key != null) {
                passes.add(key);
            }
            schemaFindings.addAll(found);
        }
        if (defaultMain.isPresent()) {
            // The schema's rule "cmdline, or runtime java with main or jar" is met by the caller's main class.
            schemaFindings.removeIf(f -> f.path().equals(YamlPath.ROOT) && f.message().startsWith("cmdline is required"));
        }
        CapstanfileMapper mapper = new CapstanfileMapper(absolute, dir, yaml, checkHostFiles, defaultMain);
        Optional<Capstanfile> capstanfile = mapper.map(schemaFindings.isEmpty());
        if (capstanfile.isPresent()) {
            return capstanfile.get();
        }
        throw new CapstanfileException(absolute, problems(shown, schemaFindings, mapper.findings()));
    }

    /** The text of {@code file} ({@code shown} as the user names it); {@code notFound} says what to do when it is missing. */
    static String read(Path file, Path shown, String notFound) throws CapstanfileException {
        try {
            return text(file);
        } catch (NoSuchFileException e) {
            throw whole(file, shown, notFound);
        } catch (CharacterCodingException e) {
            throw whole(file, shown, "is not UTF-8 text");
        } catch (TooLarge | NotAFile e) {
            throw whole(file, shown, e.getMessage());
        } catch (IOException e) {
            throw whole(file, shown, "cannot be read: " + e);
        }
    }

    /** The most a package file may hold: package files are a few hundred bytes. */
    static final long MAX_BYTES = 4L << 20;

    private static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge(long size) {
            super("is " + size + " bytes: a package file holds at most " + MAX_BYTES + " bytes (4 MiB)");
        }
    }

    private static final class NotAFile extends IOException {
        private static final long serialVersionUID = 1L;

        NotAFile() {
            super("is not a regular file (a FIFO, a device or a folder): a package file is read whole, and that"
                    + " would never end or make no sense");
        }
    }

    /**
     * The text of a package file: a regular file (a FIFO or {@code /dev/zero} behind the name
     * would hang or exhaust jcap) of at most {@link #MAX_BYTES}.
     */
    static String text(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString());
        }
        if (!Files.isRegularFile(file)) {
            throw new NotAFile();
        }
        try (java.nio.channels.SeekableByteChannel channel = Files.newByteChannel(file)) {
            long size = channel.size();
            if (size > MAX_BYTES) {
                throw new TooLarge(size);
            }
            java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate((int) size + 1);
            while (bytes.hasRemaining() && channel.read(bytes) >= 0) {
                // until the end, or one byte past the size seen (a file that grew)
            }
            if (bytes.position() > size) {
                throw new TooLarge(bytes.position());
            }
            bytes.flip();
            return java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT).decode(bytes).toString();
        }
    }

    /**
     * Joins both kinds of findings, sorted by place. A mapping finding at the same node and place
     * as a schema finding says the same thing again and is left out.
     */
    static List<Problem> problems(Path shown, List<Finding> schema, List<Finding> mapping) {
        Set<List<Object>> reported = new HashSet<>();
        schema.forEach(f -> reported.add(List.of(f.path(), f.position())));
        List<Finding> all = new ArrayList<>(schema);
        mapping.stream().filter(f -> !reported.contains(List.of(f.path(), f.position()))).forEach(all::add);
        Set<Problem> problems = new LinkedHashSet<>();
        all.stream()
                .map(f -> new Problem(shown, f.position().line(), f.position().column(), f.path().toString(), f.message()))
                .sorted(Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column)
                        .thenComparing(Problem::toString))
                .forEach(problems::add);
        return List.copyOf(problems);
    }

    static CapstanfileException whole(Path file, Path shown, String message) {
        return new CapstanfileException(file, List.of(new Problem(shown, 0, 0, "", message)));
    }

    /** The JSON Schema of Capstanfiles, as bundled; the caller closes the stream. */
    public static InputStream openSchema() {
        return CapstanfileParser.class.getResourceAsStream(SchemaCheck.RESOURCE);
    }
}
