package io.jcap.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jcap.testsupport.Component;
import io.jcap.testsupport.Requires;
import io.jcap.testsupport.TestSshd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jcap run -d --driver libvirt --connect qemu+ssh://...} end to end, from a machine without
 * QEMU: this machine's libvirtd reached through a test-owned sshd on 127.0.0.1 as if it were
 * another host. The instance is a persistent domain there whose ports are that host's and whose
 * console {@code jcap ps}, {@code logs} and {@code stop} read over SSH, after the jcap that
 * started it has exited.
 */
@Requires({Component.LIBVIRT, Component.SSHD})
class LibvirtRemoteInstancesIT {
    private static final String GREETING = "Hello from jcap's http-server!\n";
    @TempDir
    static Path temp;
    static JcapProcess jcap;
    static TestSshd sshd;
    static Map<String, String> withoutQemu;
    /** Where the libvirt driver keeps the files of the SSH user's domains on the "remote" host. */
    static Path domainFolders;

    @BeforeAll
    static void buildAndStartSshd() throws Exception {
        jcap = JcapProcess.withKernels(temp.resolve("home"));
        for (String example : List.of("examples/hello", "examples/http-server")) {
            JcapProcess.Result build = jcap.run("build", example);
            assertEquals(0, build.exitCode(), build.toString());
        }
        sshd = TestSshd.start(Files.createDirectory(temp.resolve("sshd")));
        withoutQemu = Map.of("PATH", LibvirtRemoteRunIT.pathWithout("qemu", temp.resolve("bin")).toString(),
                "JCAP_QEMU", "");
        domainFolders = Path.of("/var/tmp/jcap-libvirt-" + sshd.user);
    }

    /** No test leaves a domain behind, whatever it asserted. */
    @AfterEach
    void removeInstances() throws Exception {
        for (JsonNode i : ps()) {
            jcap.run(withoutQemu, "rm", "-f", i.get("name").asText());
        }
    }

    @AfterAll
    static void stopSshd() throws Exception {
        if (sshd != null) {
            sshd.close();
        }
    }

    @Test
    void detached_servesOnTheRemoteHost_isListedLoggedStoppedAndRemovedOverSsh() throws Exception {
        int port = JcapProcess.freePort();
        JcapProcess.Result run = jcap.run(withoutQemu, "run", "-d", "--driver", "libvirt", "--connect",
                sshd.libvirtSshUri(), "--name", "far", "-p", port + ":8080", "http-server");

        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("far\n", run.out(), run.toString());
        assertTrue(run.err().contains("127.0.0.1:" + port + "->8080/tcp on 127.0.0.1\n"), run.toString());
        assertTrue(run.err().contains("Its ports are on 127.0.0.1; reach one from here with ssh -N -L " + port
                + ":127.0.0.1:" + port + " -p " + sshd.port + " " + sshd.user + "@127.0.0.1\n"), run.toString());
        // The "remote" host is this machine: the port it publishes on its loopback answers here,
        // with no jcap running (no tunnel: the jcap that started it has exited).
        assertEquals(new Http.Answer(200, GREETING), Http.awaitAnswer(port, "/"));
        JsonNode far = ps().get(0);
        assertEquals("running", far.get("status").asText(), far.toString());
        assertTrue(far.get("pid").isNull(), far.toString());
        assertEquals("127.0.0.1", far.get("libvirt").get("host").asText(), far.toString());
        assertEquals(port, far.get("ports").get(0).get("host").asInt());
        String domain = far.get("libvirt").get("domain").asText();
        String info = LibvirtInstancesIT.virsh("dominfo", domain);
        assertTrue(info.matches("(?s).*Persistent:\\s+yes.*") && info.matches("(?s).*State:\\s+running.*"), info);
        assertTrue(Files.isRegularFile(domainFolders.resolve(domain).resolve("console.log")));
        JcapProcess.Result table = jcap.run(withoutQemu, "ps");
        assertTrue(table.out().contains("127.0.0.1:" + port + "->8080/tcp on 127.0.0.1"), table.toString());
        JcapProcess.Result logs = jcap.run(withoutQemu, "logs", "far");
        assertEquals(0, logs.exitCode(), logs.toString());
        assertTrue(logs.out().startsWith("http-server: listening on port 8080\nhttp-server: GET /\n"), logs.toString());

        JcapProcess.Result stop = jcap.run(withoutQemu, "stop", "far");

        assertEquals(0, stop.exitCode(), stop.toString());
        assertEquals("stopped far: exited (0)\n", stop.out(), stop.toString());
        assertEquals("exited (0)", ps().get(0).get("status").asText());
        assertTrue(LibvirtInstancesIT.virsh("dominfo", domain).matches("(?s).*State:\\s+shut off.*"));
        assertTrue(jcap.run(withoutQemu, "logs", "far").out().endsWith("http-server: SIGTERM, exiting\n"));

        JcapProcess.Result rm = jcap.run(withoutQemu, "rm", "far");

        assertEquals(0, rm.exitCode(), rm.toString());
        assertFalse(LibvirtInstancesIT.virsh("list", "--all", "--name").lines().anyMatch(domain::equals));
        assertFalse(Files.exists(domainFolders.resolve(domain)), "the domain's folder on the remote host");
        assertFalse(Files.exists(Path.of("/var/log/libvirt/qemu", domain + ".log")), "libvirt's log of its QEMU");
        assertEquals(0, ps().size());
        ExamplesIT.assertFolderEmpty(jcap.home.resolve("tmp"));
    }

    /** An application that ends by itself: its status and output come over SSH once the domain is off. */
    @Test
    void detached_thatExits_showsItsStatusAndOutput_andLogsFollowToItsEnd() throws Exception {
        JcapProcess.Result run = jcap.run(withoutQemu, "run", "-d", "--driver", "libvirt", "--connect",
                sshd.libvirtSshUri(), "--accel", "tcg", "--name", "greeter", "hello");
        assertEquals(0, run.exitCode(), run.toString());

        JcapProcess.Result follow = jcap.run(withoutQemu, "logs", "-f", "greeter");

        assertEquals(0, follow.exitCode(), follow.toString());
        assertEquals("Hello from jcap, world!\n", follow.out(), follow.toString());
        JsonNode greeter = awaitEnded("greeter");
        assertEquals("exited (0)", greeter.get("status").asText(), greeter.toString());
        assertEquals(0, greeter.get("exitStatus").asInt(), greeter.toString());
    }

    @Test
    void detached_onARemoteHostWhosePortIsTaken_saysSoAndLeavesNothing() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getLoopbackAddress())) {
            JcapProcess.Result run = jcap.run(withoutQemu, "run", "-d", "--driver", "libvirt", "--connect",
                    sshd.libvirtSshUri(), "--accel", "tcg", "--name", "clash", "-p", taken.getLocalPort() + ":8080", "http-server");

            assertEquals(1, run.exitCode(), run.toString());
            java.util.regex.Matcher named = java.util.regex.Pattern.compile(
                    "libvirt could not start domain (jcap-clash-[0-9a-f]+) on \\S+: a host port it publishes is in use"
                            + " there \\(.*Could not set up host forwarding rule 'tcp:127.0.0.1:" + taken.getLocalPort()
                            + "-.*\\): pick another with -p HOST:GUEST").matcher(run.err());
            assertTrue(named.find(), run.toString());
            String domain = named.group(1);
            assertFalse(LibvirtInstancesIT.virsh("list", "--all", "--name").lines().anyMatch(domain::equals));
            assertFalse(Files.exists(domainFolders.resolve(domain)));
            assertFalse(Files.exists(jcap.home.resolve("instances/clash")));
        }
    }

    /** The instance once {@code jcap ps} finds it ended, or as it is after a minute. */
    private static JsonNode awaitEnded(String name) throws Exception {
        Http.within(Duration.ofSeconds(60), () -> {
            try {
                return !ps().get(0).get("running").asBoolean();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        JsonNode instance = ps().get(0);
        assertEquals(name, instance.get("name").asText());
        return instance;
    }

    private static JsonNode ps() throws Exception {
        JcapProcess.Result ps = jcap.run(withoutQemu, "ps", "--json");
        assertEquals(0, ps.exitCode(), ps.toString());
        return new ObjectMapper().readTree(ps.out());
    }
}
