package io.jcap.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.model.EnvironmentException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
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

    /** A shell does not pass SIGTERM on to its children: stop signals every process the program started. */
    @Test
    void stop_stopsWhatTheProgramStartedToo(@TempDir Path dir) throws Exception {
        Path pids = dir.resolve("pids");
        HostTool.Running r = HostTool.start(List.of("sh", "-c", "sleep 300 & echo $! > pids.tmp; mv pids.tmp pids; sleep 300"),
                dir);
        long background = awaitPid(pids);
        try {
            assertTrue(alive(background));
            r.stop();
            assertFalse(alive(background), "the shell's background child outlived stop()");
        } finally {
            ProcessHandle.of(background).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /**
     * A process the program starts while it is being stopped (here its SIGTERM handler starts one,
     * as make starts another compiler) is found and stopped too: it was not among those signalled first.
     */
    @Test
    void stop_stopsAProcessStartedWhileStopping(@TempDir Path dir) throws Exception {
        Path late = dir.resolve("late");
        HostTool.Running r = HostTool.start(List.of("sh", "-c",
                "trap 'sleep 300 & echo $! > late.tmp; mv late.tmp late; wait' TERM; sleep 300 & echo started > up; wait"),
                dir);
        awaitLine(dir.resolve("up"));
        long started = -1;
        try {
            r.stop();
            started = Long.parseLong(awaitLine(late).strip());
            assertFalse(alive(started), "the process started while stopping outlived stop()");
        } finally {
            if (started > 0) {
                ProcessHandle.of(started).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    /**
     * A JVM stopped by SIGTERM while a host tool runs in its temporary folder: the hook stops the tool
     * and what it started before it deletes the folder, and nothing is left.
     */
    @Test
    void jvmStopped_stopsItsToolsThenDeletesTheirFolder(@TempDir Path dir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                HostToolTest.Main.class.getName(), dir.toString()).redirectErrorStream(true).start();
        List<Long> tool = new java.util.ArrayList<>();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertTrue(line != null && line.startsWith("work "), "the child started its tool: " + line);
            Path work = Path.of(line.substring("work ".length()));
            String[] pids = awaitLine(work.resolve("pids")).split(" ");
            long shell = Long.parseLong(pids[0]);
            long background = Long.parseLong(pids[1]);
            tool.addAll(List.of(shell, background));
            assertTrue(alive(shell) && alive(background));

            child.destroy();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child JVM ended");
            assertFalse(alive(shell), "the tool outlived the JVM");
            assertFalse(alive(background), "the tool's child outlived the JVM");
            assertFalse(Files.exists(work), "the work folder is deleted");
            try (var left = Files.list(dir)) {
                assertEquals(List.of(), left.toList(), "no folder or lock file is left");
            }
        } finally {
            child.destroyForcibly();
            tool.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        }
    }

    /**
     * The child JVM of {@link #jvmStopped_stopsItsToolsThenDeletesTheirFolder}: a tool whose child keeps writing
     * into the work folder (its errors to /dev/null: a closed pipe would end it otherwise).
     */
    public static final class Main {
        public static void main(String[] args) throws Exception {
            Path work = TempFiles.create(Path.of(args[0]), "tool-");
            HostTool.Running r = HostTool.start(List.of("sh", "-c",
                    "(while :; do date > f.$$; sleep 0.01; done) 2>/dev/null & echo $$ $! > pids.tmp; mv pids.tmp pids;"
                            + " sleep 300"), work);
            System.out.println("work " + work);
            r.await(Duration.ofMinutes(5));
        }
    }

    private static long awaitPid(Path file) throws Exception {
        return Long.parseLong(awaitLine(file));
    }

    private static String awaitLine(Path file) throws Exception {
        for (int i = 0; i < 1000 && !Files.exists(file); i++) {
            Thread.sleep(10);
        }
        return Files.readString(file).strip();
    }

    private static boolean alive(long pid) throws InterruptedException {
        // A process stopped a moment ago may still be on its way out.
        for (int i = 0; i < 100; i++) {
            if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }
}
