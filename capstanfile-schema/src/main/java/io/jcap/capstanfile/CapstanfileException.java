package io.jcap.capstanfile;

import io.jcap.model.ExitCode;
import io.jcap.model.JcapException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A Capstanfile that cannot be used. It carries every problem found in one run, sorted by line;
 * the message is their {@link Problem#toString() lines} joined by {@code '\n'}, one problem per
 * line, so a user fixes all of them at once.
 */
public final class CapstanfileException extends JcapException {
    private final Path file;
    private final List<Problem> problems;

    /**
     * @param file the Capstanfile, as an absolute path
     * @param problems at least one problem
     */
    public CapstanfileException(Path file, List<Problem> problems) {
        super(render(problems), ExitCode.FAILURE, null);
        this.file = file;
        this.problems = List.copyOf(problems);
    }

    private static String render(List<Problem> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a CapstanfileException needs at least one problem");
        }
        return problems.stream().map(Problem::toString).collect(Collectors.joining("\n"));
    }

    /** The Capstanfile (absolute path). */
    public Path file() {
        return file;
    }

    /** Every problem, sorted by line and column. */
    public List<Problem> problems() {
        return problems;
    }
}
