package io.jcap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.builder.api.JcapHome;
import io.jcap.testsupport.Component;
import io.jcap.testsupport.Requirements;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C (SIGINT to jcap's process group) or SIGTERM while the Capstanfile's {@code build}
 * command runs: the command dies of the same signal, and jcap exits as the signal says without
 * calling that a failed build command. Several tries: the command's death and the JVM's stop race.
 */
class BuildCommandInterruptTest {
    @TempDir
    Path temp;

    @Test
    void ctrlC_whileTheBuildCommandRuns_exits130WithoutAnErrorLine() throws Exception {
        for (int i = 0; i < 4; i++) {
            assertStopsQuietly("INT", 130);
        }
    }

    @Test
    void sigterm_whileTheBuildCommandRuns_exits143WithoutAnErrorLine() throws Exception {
        for (int i = 0; i < 2; i++) {
            assertStopsQuietly("TERM", 143);
        }
    }

    private void assertStopsQuietly(String signal, int expected) throws Exception {
        Requirements.require(Component.LINUX_KERNEL);
        Path home = Files.createTempDirectory(temp, "home");
        Files.createSymbolicLink(home.resolve("kernels"), JcapHome.fromEnvironment().kernels());
        Path project = Files.createTempDirectory(temp, "project");
        Files.writeString(project.resolve("Capstanfile"), "cmdline: /hello\nbuild: sleep 30\n");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // setsid: a process group of its own, which the signal goes to as a terminal's Ctrl-C does.
        ProcessBuilder builder = new ProcessBuilder("setsid", java, "-cp", System.getProperty("java.class.path"),
                Jcap.class.getName(), "build", project.toString()).redirectErrorStream(true);
        builder.environment().put("JCAP_HOME", home.toString());
        Process jcap = builder.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(jcap.getInputStream(), StandardCharsets.UTF_8));
        List<String> lines = new ArrayList<>();
        for (String line; (line = out.readLine()) != null; ) {
            lines.add(line);
            if (line.contains("Running build command")) {
                break;
            }
        }
        assertTrue(lines.stream().anyMatch(l -> l.contains("Running build command")), lines.toString());
        // The command runs once its line is out: wait (bounded) until its process is there.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (jcap.toHandle().descendants().noneMatch(p -> p.info().command().filter(c -> c.endsWith("/sleep"))
                .isPresent())) {
            assertTrue(System.nanoTime() < deadline && jcap.isAlive(), "the build command started: " + lines);
            Thread.sleep(10);
        }
        new ProcessBuilder("kill", "-" + signal, "--", "-" + jcap.pid()).start().waitFor();
        assertTrue(jcap.waitFor(60, TimeUnit.SECONDS), "jcap ends after SIG" + signal);
        out.lines().forEach(lines::add);
        assertEquals(expected, jcap.exitValue(), String.join("\n", lines));
        assertEquals(List.of(), lines.stream().filter(l -> l.startsWith("jcap: ")).toList(), String.join("\n", lines));
    }
}
