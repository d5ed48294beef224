package io.jcap.capstanfile;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * Any bytes as a Capstanfile: the parser returns a {@link Capstanfile} or throws a
 * {@link CapstanfileException} with at least one problem, never another exception. A plain
 * {@code mvn test} runs the seeds in {@code CapstanfileFuzzTestInputs/} (valid files and every
 * input that once failed); {@code JAZZER_FUZZ=1} fuzzes, as {@code scripts/fuzz.sh} does.
 */
class CapstanfileFuzzTest {
    @TempDir
    Path project;

    @FuzzTest(maxDuration = "60s")
    void parse_anyBytes_returnsACapstanfileOrThrowsCapstanfileException(byte[] bytes) throws IOException {
        Files.write(project.resolve(CapstanfileParser.FILE_NAME), bytes);
        try {
            new CapstanfileParser().parse(project);
        } catch (CapstanfileException e) {
            assertFalse(e.problems().isEmpty(), "a CapstanfileException names its problems");
        }
    }
}
