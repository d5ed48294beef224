package io.jcap.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jcap.testsupport.Component;
import io.jcap.testsupport.Requires;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jcap run -d --driver libvirt} end to end: the real bin/jcap and the system libvirtd; the
 * instance is a persistent domain that {@code jcap ps}, {@code logs}, {@code stop} and {@code rm}
 * work on, and that outlives the jcap that started it.
 */
@Requires(Component.LIBVIRT)
class LibvirtInstancesIT {
    private static final String GREETING = "Hello from jcap's http-server!\n";
    /** Where the libvirt driver keeps the files of root's domains. */
    private static final Path DOMAIN_FOLDERS = Path.of("/var/tmp/jcap-libvirt-" + System.getProperty("user.name"));

    @TempDir
    static Path temp;
    static JcapProcess jcap;

    @BeforeAll
    static void buildServer() throws Exception {
        jcap = JcapProcess.withKernels(temp.resolve("home"));
        JcapProcess.Result build = jcap.run("build", "examples/http-server");
        assertEquals(0, build.exitCode(), build.toString());
    }

    /** No test leaves a domain behind, whatever it asserted. */
    @AfterEach
    void removeInstances() throws Exception {
        for (JsonNode i : ps()) {
            jcap.run("rm", "-f", i.get("name").asText());
        }
    }

    @Test
    void detached_servesHttp_isListedLoggedStoppedAndRemoved_asAPersistentDomain() throws Exception {
        int port = JcapProcess.freePort();
        JcapProcess.Result run = jcap.run("run", "-d", "--driver", "libvirt", "--name", "web", "-p", port + ":8080",
                "http-server");

        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("web\n", run.out(), run.toString());
        assertEquals(new Http.Answer(200, GREETING), Http.awaitAnswer(port, "/"));
        JsonNode web = ps().get(0);
        assertEquals("running", web.get("status").asText(), web.toString());
        assertEquals("127.0.0.1", web.get("ports").get(0).get("address").asText());
        assertEquals(port, web.get("ports").get(0).get("host").asInt());
        String domain = web.get("libvirt").get("domain").asText();
        assertTrue(domain.startsWith("jcap-web-"), domain);
        String info = virsh("dominfo", domain);
        assertTrue(info.matches("(?s).*Persistent:\\s+yes.*") && info.matches("(?s).*State:\\s+running.*"), info);
        assertTrue(Files.isRegularFile(DOMAIN_FOLDERS.resolve(domain).resolve("console.log")));
        JcapProcess.Result logs = jcap.run("logs", "web");
        assertEquals(0, logs.exitCode(), logs.toString());
        assertTrue(logs.out().startsWith("http-server: listening on port 8080\nhttp-server: GET /\n"), logs.toString());

        JcapProcess.Result stop = jcap.run("stop", "web");

        assertEquals(0, stop.exitCode(), stop.toString());
        assertEquals("stopped web: exited (0)\n", stop.out(), stop.toString());
        assertEquals("exited (0)", ps().get(0).get("status").asText());
        // Stopped, not gone: a persistent domain stays defined until jcap rm.
        assertTrue(virsh("dominfo", domain).matches("(?s).*State:\\s+shut off.*"));
        assertTrue(jcap.run("logs", "web").out().endsWith("http-server: SIGTERM, exiting\n"));

        JcapProcess.Result rm = jcap.run("rm", "web");

        assertEquals(0, rm.exitCode(), rm.toString());
        assertFalse(virsh("list", "--all", "--name").lines().anyMatch(domain::equals));
        assertFalse(Files.exists(DOMAIN_FOLDERS.resolve(domain)));
        assertFalse(Files.exists(Path.of("/var/log/libvirt/qemu", domain + ".log")));
        assertEquals(0, ps().size());
        ExamplesIT.assertFolderEmpty(jcap.home.resolve("tmp"));
    }

    /**
     * A detached domain that prints more than virtlogd keeps in one file (2 MiB, then
     * {@code console.log.0}): its exit status is read and {@code jcap logs} shows every line
     * across the rotation.
     */
    @Test
    void detached_printingMoreThanALogFileHolds_statusAndEveryLineAcrossTheRotation() throws Exception {
        Path project = JcapProcess.talkerProject(temp);
        assertEquals(0, jcap.run("build", project.toString()).exitCode());
        JcapProcess.Result run = jcap.run("run", "-d", "--driver", "libvirt", "--name", "talker", "talker");
        assertEquals(0, run.exitCode(), run.toString());

        JsonNode ended = Poll.until("the guest to power off", Duration.ofSeconds(120), () -> {
            JsonNode i = ps().get(0);
            return i.get("running").asBoolean() ? Optional.empty() : Optional.of(i);
        });

        assertEquals("exited (4)", ended.get("status").asText(), ended.toString());
        String domain = ended.get("libvirt").get("domain").asText();
        assertTrue(Files.isRegularFile(DOMAIN_FOLDERS.resolve(domain).resolve("console.log.0")), "virtlogd rotated");
        List<String> lines = jcap.run("logs", "talker").out().lines().toList();
        assertEquals(JcapProcess.TALKER_LINES, lines.size());
        for (int i = 0; i < lines.size(); i++) {
            assertEquals(JcapProcess.talkerLine(i), lines.get(i));
        }
    }

    @Test
    void detached_running_isKeptByRmWithoutForce_andDestroyedAndUndefinedByRmForce() throws Exception {
        JcapProcess.Result run = jcap.run("run", "-d", "--driver", "libvirt", "--name", "busy", "http-server");
        assertEquals(0, run.exitCode(), run.toString());
        String domain = ps().get(0).get("libvirt").get("domain").asText();

        JcapProcess.Result refused = jcap.run("rm", "busy");

        assertEquals(1, refused.exitCode(), refused.toString());
        assertTrue(refused.err().contains("instance 'busy' is running: stop it first (jcap stop busy) or remove it"
                + " anyway with jcap rm -f busy"), refused.toString());
        assertTrue(virsh("dominfo", domain).matches("(?s).*State:\\s+running.*"));

        JcapProcess.Result forced = jcap.run("rm", "-f", "busy");

        assertEquals(0, forced.exitCode(), forced.toString());
        assertFalse(virsh("list", "--all", "--name").lines().anyMatch(domain::equals));
        assertFalse(Files.exists(DOMAIN_FOLDERS.resolve(domain)));
    }

    /** jcap run -d --rm through libvirt: the persistent domain, its folder and the instance go once it is stopped. */
    @Test
    void detachedRm_stopped_isUndefinedAndRemoved() throws Exception {
        assertEquals(0, jcap.run("run", "-d", "--rm", "--driver", "libvirt", "--name", "brief", "http-server")
                .exitCode());
        String domain = ps().get(0).get("libvirt").get("domain").asText();

        JcapProcess.Result stop = jcap.run("stop", "brief");

        assertEquals(0, stop.exitCode(), stop.toString());
        assertTrue(stop.out().startsWith("stopped brief: exited ("), stop.toString());
        assertFalse(virsh("list", "--all", "--name").lines().anyMatch(domain::equals));
        assertFalse(Files.exists(DOMAIN_FOLDERS.resolve(domain)));
        assertEquals(0, ps().size());
    }

    @Test
    void runDetached_domainThatCannotStart_leavesNoDomainFolderOrLibvirtLog() throws Exception {
        // QEMU cannot set up 100000 GiB of guest memory: libvirt's start fails after the domain was defined.
        JcapProcess.Result run = jcap.run("run", "-d", "--driver", "libvirt", "--name", "toobig", "-m", "100000G",
                "http-server");

        assertEquals(1, run.exitCode(), run.toString());
        java.util.regex.Matcher named = java.util.regex.Pattern.compile("could not start domain (jcap-toobig-[0-9a-f]+)")
                .matcher(run.err());
        assertTrue(named.find(), run.toString());
        String domain = named.group(1);
        assertFalse(virsh("list", "--all", "--name").lines().anyMatch(domain::equals));
        assertFalse(Files.exists(DOMAIN_FOLDERS.resolve(domain)));
        assertFalse(Files.exists(Path.of("/var/log/libvirt/qemu", domain + ".log")), "libvirt's log of its QEMU");
        assertFalse(Files.exists(jcap.home.resolve("instances/toobig")));
    }

    /**
     * A jcap run -d killed (SIGKILL) after libvirt defined the domain but before jcap recorded the
     * instance leaves a folder without a record and a persistent domain whose name has a random
     * part: rm refuses while the domain exists, and rm -f finds it by the name the folder kept and
     * removes it (it used to delete the folder alone, leaving the domain nothing could find).
     */
    @Test
    void rm_ofAnInstanceWithoutItsRecord_refusedWhileItsDomainExists_andRmForceRemovesIt() throws Exception {
        assertEquals(0, jcap.run("run", "-d", "--driver", "libvirt", "--name", "unrecorded", "http-server").exitCode());
        String domain = ps().get(0).get("libvirt").get("domain").asText();
        Path folder = jcap.home.resolve("instances/unrecorded");
        Files.delete(folder.resolve("instance.json"));
        try {
            JcapProcess.Result rm = jcap.run("rm", "unrecorded");

            assertEquals(1, rm.exitCode(), rm.toString());
            assertTrue(rm.err().contains("instance 'unrecorded' has no record, but its libvirt domain " + domain
                    + " exists (the jcap run -d that started it ended before it recorded the instance): remove it with"
                    + " jcap rm -f unrecorded"), rm.toString());
            assertTrue(virsh("dominfo", domain).matches("(?s).*State:\\s+running.*"));
            // Within its first two minutes a folder without a record is a start under way, for
            // every command (it was "no instance named 'unrecorded' (instances: unrecorded)").
            JcapProcess.Result logs = jcap.run("logs", "unrecorded");
            assertEquals(1, logs.exitCode(), logs.toString());
            assertTrue(logs.err().contains("instance 'unrecorded' is starting: its jcap run -d has not recorded it yet"),
                    logs.toString());

            JcapProcess.Result forced = jcap.run("rm", "-f", "unrecorded");

            assertEquals(0, forced.exitCode(), forced.toString());
            assertFalse(virsh("list", "--all", "--name").lines().anyMatch(domain::equals));
            assertFalse(Files.exists(DOMAIN_FOLDERS.resolve(domain)));
            assertFalse(Files.exists(folder));
        } finally {
            if (virsh("list", "--all", "--name").lines().anyMatch(domain::equals)) {
                new ProcessBuilder("virsh", "-c", "qemu:///system", "destroy", domain).start().waitFor();
                new ProcessBuilder("virsh", "-c", "qemu:///system", "undefine", domain).start().waitFor();
            }
        }
    }

    private static JsonNode ps() throws Exception {
        JcapProcess.Result ps = jcap.run("ps", "--json");
        assertEquals(0, ps.exitCode(), ps.toString());
        return new ObjectMapper().readTree(ps.out());
    }

    /** Runs {@code virsh} on the system daemon; it must succeed. */
    static String virsh(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("virsh", "-c", "qemu:///system"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "virsh " + String.join(" ", args) + " did not end");
        assertEquals(0, process.exitValue(), "virsh " + String.join(" ", args) + ": " + out);
        return out;
    }
}
