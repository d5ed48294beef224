package io.jcap.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jcap.testsupport.Component;
import io.jcap.testsupport.Requires;
import io.jcap.testsupport.TestSshd;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jcap push IMAGE libvirt} end to end with the real bin/jcap and this machine's libvirtd:
 * into a {@code dir} pool of the test's own, read back with {@code virsh vol-download}; with
 * {@code --define}, a domain that {@code virsh start} boots and whose console shows the app's
 * line; and the same upload through {@code qemu+ssh://} to a test-owned sshd.
 */
@Requires({Component.LIBVIRT, Component.SSHD})
class PushLibvirtIT {
    private static final String URI = "qemu:///system";

    @TempDir
    static Path temp;
    static JcapProcess jcap;
    static String pool;
    static final List<String> domains = new ArrayList<>();

    @BeforeAll
    static void buildHelloAndMakeAPool() throws Exception {
        jcap = JcapProcess.withKernels(temp.resolve("home"));
        JcapProcess.Result build = jcap.run("build", "examples/hello");
        assertEquals(0, build.exitCode(), build.toString());
        pool = "jcap-push-" + ProcessHandle.current().pid();
        // libvirt's QEMU runs as its own user, which must reach the pool's files to boot a volume.
        Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
        Path dir = Files.createDirectories(temp.resolve("pool"));
        virsh("pool-create-as", pool, "dir", "--target", dir.toString());
    }

    @AfterAll
    static void removeDomainsAndPool() throws Exception {
        for (String domain : domains) {
            virshQuietly("destroy", domain);
            virshQuietly("undefine", domain);
        }
        if (pool != null) {
            for (String line : virshQuietly("vol-list", pool).lines().skip(2).toList()) {
                if (!line.isBlank()) {
                    virshQuietly("vol-delete", "--pool", pool, line.trim().split("\\s+")[0]);
                }
            }
            virshQuietly("pool-destroy", pool);
        }
    }

    @Test
    void push_intoAPool_storesTheImageByteForByte_andRefusesAnExistingVolumeUnlessReplaced() throws Exception {
        JcapProcess.Result push = jcap.run("push", "hello", "libvirt", "--pool", pool, "--name", "bytes", "--json");

        assertEquals(0, push.exitCode(), push.toString());
        JsonNode result = new ObjectMapper().readTree(push.out());
        Path image = jcap.home.resolve("images/hello/image.qcow2");
        assertEquals("libvirt", result.get("target").asText());
        assertEquals(pool + "/bytes.qcow2", result.get("id").asText());
        assertEquals("bytes.qcow2", result.get("name").asText());
        assertEquals(Files.size(image), result.get("bytesSent").asLong());
        assertEquals(io.jcap.model.Sha256.of(image).hex(), result.get("sha256").asText());
        assertTrue(push.err().contains("Uploading hello to " + pool + "/bytes.qcow2: 100% of"), push.toString());
        Path back = temp.resolve("back.qcow2");
        virsh("vol-download", "--pool", pool, "bytes.qcow2", back.toString());
        assertArrayEquals(Files.readAllBytes(image), Files.readAllBytes(back));

        JcapProcess.Result again = jcap.run("push", "hello", "libvirt", "--pool", pool, "--name", "bytes");
        assertEquals(1, again.exitCode(), again.toString());
        assertTrue(again.err().contains("bytes.qcow2"), again.toString());
        JcapProcess.Result replaced = jcap.run("push", "hello", "libvirt", "--pool", pool, "--name", "bytes", "--replace");
        assertEquals(0, replaced.exitCode(), replaced.toString());
        assertTrue(replaced.out().startsWith("Pushed hello to libvirt: " + pool + "/bytes.qcow2 (bytes.qcow2), "),
                replaced.toString());
        JcapProcess.Result json = jcap.run("push", "hello", "libvirt", "--pool", pool, "--name", "bytes", "--replace",
                "--json");
        assertEquals(0, json.exitCode(), json.toString());
        assertEquals("[\"" + pool + "/bytes.qcow2\"]", new ObjectMapper().readTree(json.out()).get("replaced").toString(),
                "what the push replaced, as the other targets say");
    }

    @Test
    void push_withDefine_definesADomainThatVirshStartBoots() throws Exception {
        String domain = "jcap-push-hello-" + ProcessHandle.current().pid();
        domains.add(domain);

        JcapProcess.Result push = jcap.run("push", "hello", "libvirt", "--pool", pool, "--name", "booted",
                "--define", domain);

        assertEquals(0, push.exitCode(), push.toString());
        assertTrue(push.err().contains("Start it with: virsh -c '" + URI + "' start " + domain), push.toString());
        virsh("start", domain);
        awaitConsole(domain, "Hello from jcap, world!");
    }

    /** Waits for the started domain's console (libvirt's log of it) to show {@code line}. */
    private static void awaitConsole(String domain, String line) throws Exception {
        Path log = Path.of("/var/log/libvirt/qemu/" + domain + "-console.log");
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (!(Files.isRegularFile(log) && Files.readString(log, StandardCharsets.ISO_8859_1).contains(line))) {
            assertTrue(Instant.now().isBefore(deadline), "the domain's console shows '" + line + "': "
                    + (Files.isRegularFile(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "no " + log));
            Thread.sleep(200);
        }
    }

    /** An OSv image's domain boots its disk through the BIOS (OSv's loader: here a boot sector that prints OSv's lines). */
    @Test
    void push_withDefine_ofAnOsvImage_definesADomainThatBootsIt() throws Exception {
        // A home of its own: the other tests' home shares the machine's kernel store, which this
        // test's OSv kernel must not go into.
        JcapProcess osv = JcapProcess.empty(temp.resolve("osv-home"));
        Path loader = Files.write(temp.resolve("osv-loader.qemu"), io.jcap.testsupport.OsvLoaders.bootable(
                "OSv v0.0-synthetic", "Cmdline: /app/hello", "Hello from OSv's domain"));
        JcapProcess.Result imported = osv.run("kernels", "import", loader.toString());
        assertEquals(0, imported.exitCode(), imported.toString());
        Path project = Files.createDirectories(temp.resolve("osvapp"));
        Files.writeString(project.resolve("hello"), "not really a program\n");
        Files.writeString(project.resolve("Capstanfile"), "kernel: osv\ncmdline: /app/hello\nfiles:\n"
                + "  /app/hello: hello\n");
        assertEquals(0, osv.run("build", project.toString()).exitCode());
        String domain = "jcap-push-osv-" + ProcessHandle.current().pid();
        domains.add(domain);

        JcapProcess.Result push = osv.run("push", "osvapp", "libvirt", "--pool", pool, "--define", domain);

        assertEquals(0, push.exitCode(), push.toString());
        assertTrue(virsh("dumpxml", domain).contains("machine='pc"), "OSv's machine, as jcap run gives it");
        virsh("start", domain);
        awaitConsole(domain, "Hello from OSv's domain");
    }

    /**
     * A push that would replace what a running domain uses is refused before anything changes:
     * the volume was once deleted and uploaded anew under the running guest, and only the
     * domain's definition then refused, leaving the guest on a file no name led to.
     */
    @Test
    void push_replacingARunningDomainOrItsVolume_isRefusedBeforeTheVolumeChanges() throws Exception {
        String domain = "jcap-push-running-" + ProcessHandle.current().pid();
        domains.add(domain);
        // A guest that stays up (hello powers off once it has greeted).
        JcapProcess.Result sleeper = jcap.run("build", JcapProcess.sleeperProject(temp).toString());
        assertEquals(0, sleeper.exitCode(), sleeper.toString());
        JcapProcess.Result first = jcap.run("push", "sleeper", "libvirt", "--pool", pool, "--name", "inuse",
                "--define", domain);
        assertEquals(0, first.exitCode(), first.toString());
        virsh("start", domain);
        Path volume = temp.resolve("pool/inuse.qcow2");
        assertTrue(virsh("domstate", domain).contains("running"));
        Object inode = Files.getAttribute(volume, "unix:ino");
        try {
            JcapProcess.Result redefine = jcap.run("push", "hello", "libvirt", "--pool", pool, "--name", "inuse",
                    "--define", domain, "--replace");
            JcapProcess.Result revolume = jcap.run("push", "hello", "libvirt", "--pool", pool, "--name", "inuse",
                    "--replace");
            JcapProcess.Result elsewhere = jcap.run("push", "hello", "libvirt", "--pool", pool, "--name", "other",
                    "--define", domain);

            assertEquals(1, redefine.exitCode(), redefine.toString());
            assertTrue(redefine.err().contains("domain '" + domain + "' at " + URI + " is running: stop it first"),
                    redefine.toString());
            assertEquals(1, revolume.exitCode(), revolume.toString());
            assertTrue(revolume.err().contains("volume " + pool + "/inuse.qcow2 at " + URI + " is the disk of running"
                    + " domain '" + domain + "'"), revolume.toString());
            assertEquals(1, elsewhere.exitCode(), elsewhere.toString());
            assertTrue(elsewhere.err().contains("a domain named '" + domain + "' already exists"), elsewhere.toString());
            for (JcapProcess.Result r : List.of(redefine, revolume, elsewhere)) {
                assertFalse(r.err().contains("Uploading"), "nothing sent: " + r);
            }
            assertEquals(inode, Files.getAttribute(volume, "unix:ino"), "the running domain's volume is the same file");
            assertFalse(virsh("vol-list", pool).contains("other.qcow2"));
            assertTrue(virsh("domstate", domain).contains("running"), "the domain ran throughout");
        } finally {
            virshQuietly("destroy", domain);
        }
    }

    /**
     * SIGTERM (or Ctrl-C) during the upload: jcap's shutdown hook deletes the volume it was filling.
     * A push whose upload ended before the signal keeps its volume, whole, whether or not it had
     * printed its result by then; that try proves nothing and the push is tried again.
     */
    @Test
    void push_stoppedHalfWay_deletesItsVolumeBeforeExiting() throws Exception {
        Path image = jcap.home.resolve("images/hello/image.qcow2");
        Path volume = temp.resolve("pool/stopped.qcow2");
        for (int attempt = 0; attempt < 5; attempt++) {
            JcapProcess.Started started = jcap.start("push", "hello", "libvirt", "--pool", pool, "--name", "stopped");
            started.awaitErr("Uploading hello to ");
            long pid = started.process().pid();
            // Stopped at once, then told to end: the upload is left part way more often than not.
            signal("STOP", pid);
            signal("TERM", pid);
            signal("CONT", pid);
            JcapProcess.Result r = started.await(Duration.ofSeconds(60));
            if (r.exitCode() == 0 || r.out().contains("Pushed hello to libvirt")) {
                assertArrayEquals(Files.readAllBytes(image), Files.readAllBytes(volume), "a reported push's volume");
                virsh("vol-delete", "--pool", pool, "stopped.qcow2");
                continue;
            }
            assertEquals(143, r.exitCode(), r.toString());
            if (virsh("vol-list", pool).contains("stopped.qcow2")) {
                // Stopped once its upload had ended: never a half-written volume.
                assertArrayEquals(Files.readAllBytes(image), Files.readAllBytes(volume), r.toString());
                virsh("vol-delete", "--pool", pool, "stopped.qcow2");
                continue;
            }
            return;
        }
        throw new AssertionError("five pushes ended their upload before they could be stopped");
    }

    private static void signal(String name, long pid) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start().waitFor());
    }

    @Test
    void push_dryRunAndBadRequests_sendNothing() throws Exception {
        JcapProcess.Result dry = jcap.run("push", "--dry-run", "hello", "libvirt", "--pool", pool, "--name", "dry",
                "--define");
        assertEquals(0, dry.exitCode(), dry.toString());
        assertTrue(dry.out().contains("into volume " + pool + "/dry.qcow2 at " + URI), dry.toString());
        assertTrue(dry.out().contains("and define domain 'dry' (128 MiB, 1 CPU) booting it"), dry.toString());
        assertFalse(virsh("vol-list", pool).contains("dry.qcow2"), "the dry run sent nothing");
        JcapProcess.Result dryJson = jcap.run("push", "--dry-run", "--json", "hello", "libvirt", "--pool", pool,
                "--name", "dry");
        assertEquals(0, dryJson.exitCode(), dryJson.toString());
        JsonNode plan = new ObjectMapper().readTree(dryJson.out());
        assertEquals("libvirt", plan.get("target").asText());
        assertTrue(plan.get("dryRun").asBoolean(), dryJson.out());
        assertTrue(plan.get("plan").toString().contains("into volume " + pool + "/dry.qcow2"), dryJson.out());

        JcapProcess.Result noPool = jcap.run("push", "hello", "libvirt", "--pool", "no-such-pool-here");
        assertEquals(1, noPool.exitCode(), noPool.toString());
        assertTrue(noPool.err().contains("no-such-pool-here") && noPool.err().contains(pool), noPool.toString());

        JcapProcess.Result foreign = jcap.run("push", "hello", "libvirt", "--cloud", "x");
        assertEquals(2, foreign.exitCode(), "a wrong command line: " + foreign);
        assertTrue(foreign.err().contains("target libvirt takes no --cloud"), foreign.toString());
    }

    @Test
    void push_throughSsh_uploadsWithTheHostKeyChecked() throws Exception {
        try (TestSshd sshd = TestSshd.start(Files.createDirectory(temp.resolve("sshd")))) {
            JcapProcess.Result push = jcap.run("push", "hello", "libvirt", "--connect", sshd.libvirtSshUri(),
                    "--pool", pool, "--name", "remote");

            assertEquals(0, push.exitCode(), push.toString());
            Path back = temp.resolve("remote.qcow2");
            virsh("vol-download", "--pool", pool, "remote.qcow2", back.toString());
            assertArrayEquals(Files.readAllBytes(jcap.home.resolve("images/hello/image.qcow2")), Files.readAllBytes(back));

            Path empty = Files.createFile(temp.resolve("empty_known_hosts"));
            String unknown = sshd.libvirtSshUri().replace("known_hosts=" + sshd.knownHosts, "known_hosts=" + empty);
            JcapProcess.Result refused = jcap.run("push", "hello", "libvirt", "--connect", unknown, "--pool", pool,
                    "--name", "refused");
            assertEquals(3, refused.exitCode(), refused.toString());
            assertTrue(refused.err().contains("is not in " + empty), refused.toString());
            assertFalse(virsh("vol-list", pool).contains("refused.qcow2"));
        }
    }

    private static String virsh(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("virsh", "-q", "-c", URI));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + out);
        return out;
    }

    private static String virshQuietly(String... args) {
        try {
            List<String> command = new ArrayList<>(List.of("virsh", "-c", URI));
            command.addAll(List.of(args));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            return out;
        } catch (Exception e) {
            return "";
        }
    }
}
