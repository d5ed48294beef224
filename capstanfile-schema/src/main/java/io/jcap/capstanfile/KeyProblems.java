package io.jcap.capstanfile;

import io.jcap.capstanfile.yaml.LocatedYaml;
import io.jcap.capstanfile.yaml.Position;
import io.jcap.capstanfile.yaml.YamlPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Problems found in a parsed Capstanfile after the schema (a kernel family's own rules), each
 * placed at the line of the key it is about, as the parser's are: {@code jcap validate} and
 * {@code jcap build} report them alike.
 *
 * <pre>{@code
 * KeyProblems problems = new KeyProblems(capstanfile);
 * problems.add(YamlPath.ROOT.key("cmdline"), "the program must be an absolute path");
 * problems.throwIfAny();   // Capstanfile:3:10: cmdline: the program must be an absolute path
 * }</pre>
 */
public final class KeyProblems {
    private final Capstanfile capstanfile;
    private final List<Problem> problems = new ArrayList<>();
    private LocatedYaml yaml;
    private boolean read;

    public KeyProblems(Capstanfile capstanfile) {
        this.capstanfile = capstanfile;
    }

    /** A problem with the value at {@code path}; placed at the file's start when the file no longer reads. */
    public void add(YamlPath path, String message) {
        Position at = located().map(y -> y.valuePosition(path)).orElse(null);
        problems.add(new Problem(shown(), at == null ? 0 : at.line(), at == null ? 0 : at.column(), path.toString(),
                message));
    }

    /** Throws the problems added, sorted by line, if there is any. */
    public void throwIfAny() throws CapstanfileException {
        if (!problems.isEmpty()) {
            List<Problem> sorted = new ArrayList<>(problems);
            sorted.sort(Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column));
            throw new CapstanfileException(capstanfile.file(), sorted);
        }
    }

    private Path shown() {
        Path file = capstanfile.file();
        Path dir = capstanfile.projectDir();
        return file.startsWith(dir) ? dir.relativize(file) : file;
    }

    private java.util.Optional<LocatedYaml> located() {
        if (!read) {
            read = true;
            try {
                yaml = LocatedYaml.read(CapstanfileParser.text(capstanfile.file()), "a Capstanfile");
            } catch (IOException | RuntimeException | io.jcap.capstanfile.yaml.YamlSyntaxException e) {
                yaml = null;
            }
        }
        return java.util.Optional.ofNullable(yaml);
    }
}
