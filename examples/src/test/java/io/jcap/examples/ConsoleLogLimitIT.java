package io.jcap.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A detached Linux instance that prints far more than its console log keeps, through the real
 * bin/jcap: the log rotates at the limit, jcap logs shows the last lines whole, jcap logs -f
 * follows it across the rotations to the end, and the exit status is read after them. The
 * Capstanfile and the run use size spellings users write (128m, "64 MiB", 256mb).
 */
class ConsoleLogLimitIT {
    private static final int LINES = 20_000;
    private static final long LIMIT = 256 * 1024;
    private static final String PADDING = "0123456789".repeat(7);

    @TempDir
    Path temp;

    private static String line(int i) {
        return String.format("chatty line %05d %s", i, PADDING);
    }

    @Test
    void chattyInstance_logRotates_logsAndLogsFollowWorkAcrossIt() throws Exception {
        JcapProcess jcap = JcapProcess.withKernels(temp.resolve("home"));
        Path project = Files.createDirectories(temp.resolve("chatty"));
        Files.writeString(project.resolve("chatty.c"), """
                #include <stdio.h>
                int main(void) {
                    for (int i = 0; i < %d; i++) printf("chatty line %%05d %s\\n", i);
                    printf("chatty done\\n");
                    return 0;
                }
                """.formatted(LINES, PADDING));
        Files.writeString(project.resolve("Capstanfile"), """
                build: musl-gcc -static -Os -s -o chatty chatty.c
                cmdline: /app/chatty
                files:
                  /app/chatty: chatty
                memory: 128m
                size: 64 MiB
                """);
        JcapProcess.Result build = jcap.run("build", project.toString());
        assertEquals(0, build.exitCode(), build.toString());

        JcapProcess.Result run = jcap.run(Map.of("JCAP_CONSOLE_LOG_LIMIT", "256K"), "run", "-d", "-m", "256mb",
                "--name", "chatty", "chatty");
        assertEquals(0, run.exitCode(), run.toString());
        JcapProcess.Result follow = jcap.start("logs", "-f", "chatty").await(Duration.ofMinutes(5));

        // logs, read before the follower's output is checked: a log that lacks the last lines (the guest
        // or the keeper lost them) and a follower that stopped early are two different faults.
        // The last lines kept, every one whole, consecutive, then the program's last line.
        JcapProcess.Result logs = jcap.run("logs", "chatty");
        assertEquals(0, logs.exitCode(), logs.toString());
        List<String> kept = logs.out().lines().toList();
        assertEquals("chatty done", kept.get(kept.size() - 1), "the log itself lacks the end");
        int first = LINES - (kept.size() - 1);
        assertTrue(first > 0, "the first lines rotated away");
        for (int i = 0; i < kept.size() - 1; i++) {
            assertEquals(line(first + i), kept.get(i));
        }

        // logs -f: every line in order, from the first to the last, across the rotations (or, if it
        // fell two rotations behind, with a line saying where output may be missing).
        assertEquals(0, follow.exitCode(), follow.toString());
        List<String> followed = follow.out().lines().toList();
        assertEquals("chatty done", followed.get(followed.size() - 1), "the log has the end, the follower missed it");
        int next = 0;
        boolean gap = false;
        for (String l : followed.subList(0, followed.size() - 1)) {
            if (l.startsWith("[jcap: console output may be missing here")) {
                gap = true;
                continue;
            }
            int n = Integer.parseInt(l.substring("chatty line ".length(), "chatty line ".length() + 5));
            assertEquals(line(n), l);
            assertTrue(gap ? n >= next : n == next, "line " + n + " after " + (next - 1));
            next = n + 1;
            gap = false;
        }
        assertEquals(LINES, next);

        // The files: console.log.1 is the limit up to the end of its last line; no third file.
        Path dir = jcap.home.resolve("instances/chatty");
        long rotated = Files.size(dir.resolve("console.log.1"));
        assertTrue(rotated >= LIMIT && rotated < LIMIT + line(0).length() + 2, "console.log.1: " + rotated);
        assertTrue(Files.size(dir.resolve("console.log")) < LIMIT + line(0).length() + 2);
        assertFalse(Files.exists(dir.resolve("console.log.2")));

        JcapProcess.Result ps = jcap.run("ps", "--json");
        assertEquals("exited (0)", new ObjectMapper().readTree(ps.out()).get(0).get("status").asText(), ps.toString());
        assertEquals(0, jcap.run("rm", "chatty").exitCode());
        assertEquals(List.of(), InstancesIT.qemuProcessesOf(jcap.home));
        assertFalse(ProcessHandle.allProcesses().anyMatch(p -> p.info().commandLine().orElse("")
                .contains("ConsoleLogKeeper " + dir)), "no console keeper is left");
    }
}
