package io.jcap.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jcap run -d --rm}: an instance removed once it ended, on its own or by {@code jcap stop}, as Docker's. */
class DetachedRmIT {
    private static final Duration END = Duration.ofSeconds(90);

    @TempDir
    static Path temp;
    static JcapProcess jcap;

    @BeforeAll
    static void buildImages() throws Exception {
        jcap = JcapProcess.withKernels(temp.resolve("home"));
        for (String example : List.of("http-server", "exit-code")) {
            JcapProcess.Result build = jcap.run("build", "examples/" + example);
            assertEquals(0, build.exitCode(), build.toString());
        }
    }

    @AfterAll
    static void noneLeft() throws Exception {
        for (JsonNode i : ps()) {
            jcap.run("rm", "-f", i.get("name").asText());
        }
        assertEquals(List.of(), InstancesIT.qemuProcessesOf(jcap.home));
    }

    static List<String> names() throws Exception {
        return ps().findValuesAsText("name");
    }

    private static JsonNode ps() throws Exception {
        JcapProcess.Result ps = jcap.run("ps", "--json");
        assertEquals(0, ps.exitCode(), ps.toString());
        return new ObjectMapper().readTree(ps.out());
    }

    @Test
    void stop_ofAnRmInstance_saysHowItEnded_andRemovesIt() throws Exception {
        int port = InstancesIT.freePort();
        assertEquals(0, jcap.run("run", "-d", "--rm", "-p", port + ":8080", "--name", "rmweb", "http-server")
                .exitCode());
        Http.awaitAnswer(port, "/");
        assertTrue(names().contains("rmweb"), "a running --rm instance is listed");

        JcapProcess.Result stop = jcap.run("stop", "rmweb");

        assertEquals(0, stop.exitCode(), stop.toString());
        String ended = jcap.kernelHasPowerButton() ? "exited (0)" : "exited (stopped)";
        assertEquals("stopped rmweb: " + ended + "\n", stop.out());
        assertFalse(Files.exists(jcap.home.resolve("instances/rmweb")), "the instance's folder stayed");
        assertFalse(names().contains("rmweb"));
    }

    @Test
    void rmInstanceEndingOnItsOwn_isGoneOnceEnded_andItsNameFree() throws Exception {
        assertEquals(0, jcap.run("run", "-d", "--rm", "--name", "rmjob", "exit-code").exitCode());
        JcapProcess.Result logs = jcap.run("logs", "-f", "rmjob");
        assertEquals("exiting with status 42\n", logs.out(), logs.toString());

        Poll.until("the ended --rm instance to go", END, () -> names().contains("rmjob") ? Optional.empty()
                : Optional.of(true));
        JcapProcess.Result gone = jcap.run("logs", "rmjob");

        assertFalse(Files.exists(jcap.home.resolve("instances/rmjob")), "the instance's folder stayed");
        assertEquals(1, gone.exitCode(), gone.toString());
        assertTrue(gone.err().contains("no instance named 'rmjob'"), gone.toString());
        assertEquals(0, jcap.run("run", "-d", "--rm", "--name", "rmjob", "exit-code").exitCode(), "the name is free");
        // Without --rm an ended instance stays, as before.
        assertEquals(0, jcap.run("run", "-d", "--name", "kept", "exit-code").exitCode());
        assertEquals("exiting with status 42\n", jcap.run("logs", "-f", "kept").out());
        assertEquals("exited (42)", Poll.until("kept to end", END, () -> {
            for (JsonNode i : ps()) {
                if (i.get("name").asText().equals("kept") && !i.get("running").asBoolean()) {
                    return Optional.of(i.get("status").asText());
                }
            }
            return Optional.empty();
        }));
    }
}
