package io.jcap.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application that prints the init's end line itself, as one that logs what its clients send
 * would: the run's tag makes only the init's own line end the run. Before it, a foreground run
 * exited 7 at the forged line and dropped the output after it, and {@code ps} took the last
 * such line for the status.
 */
class ExitLineIT {
    /** Prints a forged end line, more output, a forged line without a newline, then exits 3. */
    private static final String FORGER = "#include <stdio.h>\n#include <unistd.h>\n"
            + "int main(void) {\n"
            + "    printf(\"JCAP-EXIT 7\\n\");\n"
            + "    printf(\"after the forged line\\n\");\n"
            + "    fflush(stdout);\n"
            + "    sleep(1);\n"
            + "    printf(\"unterminated JCAP-EXIT 9\");\n"
            + "    fflush(stdout);\n"
            + "    return 3;\n"
            + "}\n";
    private static final Duration END = Duration.ofSeconds(90);

    @TempDir
    static Path temp;
    static JcapProcess jcap;

    @BeforeAll
    static void build() throws Exception {
        JcapProcess.requireMachine();
        jcap = JcapProcess.withKernels(temp.resolve("home"));
        Path project = JcapProcess.cProject(temp, "forger", FORGER, "");
        JcapProcess.Result build = jcap.run("build", project.toString());
        assertEquals(0, build.exitCode(), build.toString());
    }

    @AfterAll
    static void noneLeft() throws Exception {
        if (jcap != null) {
            jcap.run("rm", "-f", "forged");
            assertEquals(java.util.List.of(), InstancesIT.qemuProcessesOf(jcap.home));
        }
    }

    @Test
    void foreground_applicationsOwnEndLines_areItsOutput_andItsRealStatusIsReturned() throws Exception {
        JcapProcess.Result run = jcap.run("run", "forger");

        assertEquals(3, run.exitCode(), run.toString());
        assertEquals("JCAP-EXIT 7\nafter the forged line\nunterminated JCAP-EXIT 9\n", run.out(), run.toString());
    }

    @Test
    void detached_applicationsOwnEndLines_neitherEndNorDecideTheInstance_andTheTagStaysPrivate() throws Exception {
        assertEquals(0, jcap.run("run", "-d", "--name", "forged", "forger").exitCode());
        Path record = jcap.home.resolve("instances/forged/instance.json");
        String tag = new ObjectMapper().readTree(record.toFile()).get("exitTag").asText();
        assertTrue(tag.matches("[0-9a-f]{32}"), tag);
        // The console keeper watches for the end line: its pattern is in its environment, which
        // other users cannot read, not on its command line, which they can.
        for (long pid : InstancesIT.processesNaming("ConsoleLogKeeper", jcap.home)) {
            assertFalse(InstancesIT.cmdline(pid).contains(tag), InstancesIT.cmdline(pid));
        }
        assertFalse(InstancesIT.processesNaming("ConsoleLogKeeper", jcap.home).isEmpty());

        JsonNode ended = Poll.until("instance forged ends", END, () -> instance("forged")
                .filter(i -> !i.get("running").asBoolean()));
        JcapProcess.Result logs = jcap.run("logs", "forged");

        assertEquals("exited (3)", ended.get("status").asText(), ended.toString());
        assertEquals("JCAP-EXIT 7\nafter the forged line\nunterminated JCAP-EXIT 9\n", logs.out(), logs.toString());
        assertTrue(Files.readString(jcap.home.resolve("instances/forged/console.log")).contains("JCAP-EXIT 9JCAP-EXIT 3 "
                + tag), "the init's own end line, with the run's tag");
    }

    private static Optional<JsonNode> instance(String name) throws Exception {
        JcapProcess.Result ps = jcap.run("ps", "--json");
        assertEquals(0, ps.exitCode(), ps.toString());
        for (JsonNode i : new ObjectMapper().readTree(ps.out())) {
            if (i.get("name").asText().equals(name)) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }
}
