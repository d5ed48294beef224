package io.jcap.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.model.EnvironmentException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostToolTest {
    private static final Duration BOUND = Duration.ofSeconds(20);

    @Test
    void startWithInput_programReadsWhatIsWritten() throws Exception {
        HostTool.Running sum = HostTool.startWithInput(List.of("sha256sum"), null);
        try (var in = sum.input()) {
            in.write("abc".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        HostTool.Result r = sum.await(Duration.ofSeconds(30));
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  -\n", r.stdout());
    }

    @Test
    void input_ofAProgramStartedWithoutOne_isRefused() throws Exception {
        HostTool.Running r = HostTool.start(List.of("true"), null);
        r.await(Duration.ofSeconds(30));
        assertThrows(IllegalStateException.class, r::input);
    }

    @Test
    void run_capturesOutputErrorAndExitCodeInTheFolderGiven(@TempDir Path dir) throws Exception {
        HostTool.Result r = HostTool.run(List.of("sh", "-c", "pwd; echo oops >&2; echo last >&2; exit 3"), dir, BOUND);
        assertEquals(3, r.exitCode());
        assertEquals(dir.toRealPath() + "\n", r.stdout());
        assertEquals("last", r.lastErrorLine());
    }

    @Test
    void run_usesTheCLocale() throws Exception {
        assertEquals("C\n", HostTool.run(List.of("sh", "-c", "echo $LC_ALL"), BOUND).stdout());
    }

    @Test
    void run_missingProgram_isAnEnvironmentProblemNamingIt() {
        EnvironmentException e = assertThrows(EnvironmentException.class,
                () -> HostTool.run(List.of("/nonexistent/tool", "x"), BOUND));
        assertTrue(e.getMessage().startsWith("cannot run /nonexistent/tool: "), e.getMessage());
    }

    @Test
    void run_pastItsBound_isStoppedAndSaysSo() {
        HostTool.TimedOut e = assertThrows(HostTool.TimedOut.class,
                () -> HostTool.run(List.of("sleep", "30"), Duration.ofMillis(300)));
        assertEquals("sleep 30 did not finish within 300 ms and was stopped", e.getMessage());
    }

    @Test
    void find_looksOnThePathAndTakesPathsAsTheyAre() {
        assertTrue(HostTool.find("sh").isPresent());
        assertEquals(Optional.empty(), HostTool.find("no-such-tool-of-jcap"));
        assertEquals(Optional.of(Path.of("/bin/sh")), HostTool.find("/bin/sh"));
    }

    @Test
    void start_withALineConsumer_passesOutputAndErrorLinesOnAsTheyCome() throws Exception {
        java.util.List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        HostTool.Result r = HostTool.start(List.of("sh", "-c", "echo one; echo two >&2; exit 4"), null, lines::add)
                .await(BOUND);
        assertEquals(4, r.exitCode());
        assertEquals(List.of("one", "two"), lines);
        assertEquals("", r.stdout());
    }
}
