package io.jcap.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jcap.testsupport.Component;
import io.jcap.testsupport.Requirements;
import io.jcap.testsupport.Requires;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jcap run --driver libvirt} end to end: the real bin/jcap, the system libvirtd, the
 * http-server example answering a real HTTP client through the forwarded port.
 */
@Requires(Component.LIBVIRT)
class LibvirtRunIT {
    private static final String GREETING = "Hello from jcap's http-server!\n";
    private static final Duration END = Duration.ofSeconds(60);
    /** Longer than jcap waits for a console reader that makes no progress once the guest ended. */
    private static final Duration STALL = Duration.ofSeconds(15);
    /** Where LibvirtVm stages the files of root's domains. */
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

    @Test
    void foreground_libvirtDriver_servesHttpWithTheRunsEnv_andQuitEndsItWithExit0LeavingNothing() throws Exception {
        int port = InstancesIT.freePort();
        JcapProcess.Started run = jcap.start("run", "--driver", "libvirt", "-p", port + ":8080",
                "-e", "GREETING=from libvirt", "http-server");

        assertEquals(new Http.Answer(200, GREETING), run.awaitAnswer(port, "/"));
        String domain = domainForwarding(port);
        assertTrue(Files.isDirectory(DOMAIN_FOLDERS.resolve(domain)), domain);
        assertEquals(new Http.Answer(200, "from libvirt\n"), Http.get("127.0.0.1", port, "/env/GREETING"));
        assertEquals(new Http.Answer(200, "bye\n"), Http.get("127.0.0.1", port, "/quit"));
        JcapProcess.Result result = run.await(END);

        assertEquals(0, result.exitCode(), result.toString());
        assertEquals("http-server: listening on port 8080\nhttp-server: GET /env/GREETING\nhttp-server: GET /quit\n",
                withoutPolls(result.out()), result.toString());
        assertTrue(result.err().contains("Booting http-server (tcg, disk boot, libvirt at qemu:///system)\n")
                || result.err().contains("Booting http-server (kvm, disk boot, libvirt at qemu:///system)\n"), result.toString());
        assertFalse(virsh("list", "--all", "--name").contains(domain));
        assertFalse(Files.exists(DOMAIN_FOLDERS.resolve(domain)));
        ExamplesIT.assertFolderEmpty(jcap.home.resolve("tmp"));
    }

    @Test
    void foreground_libvirtDriver_ctrlC_destroysTheDomainAndLeavesNoFile() throws Exception {
        int port = InstancesIT.freePort();
        JcapProcess.Started run = jcap.start("run", "--driver", "libvirt", "-p", port + ":8080", "http-server");
        run.awaitAnswer(port, "/");
        String domain = domainForwarding(port);

        new ProcessBuilder("kill", "-INT", Long.toString(run.process().pid())).start().waitFor();
        JcapProcess.Result result = run.await(END);

        assertEquals(130, result.exitCode(), result.toString());
        assertTrue(Http.within(END, () -> !virsh("list", "--all", "--name").contains(domain)), domain);
        assertFalse(Files.exists(DOMAIN_FOLDERS.resolve(domain)));
        ExamplesIT.assertFolderEmpty(jcap.home.resolve("tmp"));
    }

    @Test
    void foreground_libvirtDriver_domainDestroyedFromOutside_saysSo() throws Exception {
        int port = InstancesIT.freePort();
        JcapProcess.Started run = jcap.start("run", "--driver", "libvirt", "-p", port + ":8080", "http-server");
        run.awaitAnswer(port, "/");
        String domain = domainForwarding(port);

        virsh("destroy", domain);
        JcapProcess.Result result = run.await(END);

        assertEquals(1, result.exitCode(), result.toString());
        // It said "the image powered off without reporting the application's exit status".
        assertTrue(result.err().contains("jcap: the domain was destroyed (libvirt) before the application reported its"
                + " exit status"), result.toString());
        assertTrue(Http.within(END, () -> !virsh("list", "--all", "--name").contains(domain)), domain);
        ExamplesIT.assertFolderEmpty(jcap.home.resolve("tmp"));
    }

    /** The domain boots its disk through OVMF, given to libvirt as the domain's ROM loader. */
    @Test
    void foreground_libvirtDriverUnderUefi_servesHttpAndEndsWithExit0() throws Exception {
        Requirements.require(Files.isRegularFile(Path.of("/usr/share/ovmf/OVMF.fd")), "OVMF (apt-get install ovmf)");
        int port = JcapProcess.freePort();
        JcapProcess.Started run = jcap.start("run", "--driver", "libvirt", "--boot", "uefi", "-p", port + ":8080",
                "http-server");
        assertEquals(new Http.Answer(200, GREETING), run.awaitAnswer(port, "/"));
        String domain = domainForwarding(port);
        assertTrue(virsh("dumpxml", domain).contains("<loader readonly='yes' type='rom'>/usr/share/ovmf/OVMF.fd</loader>"),
                domain);
        assertEquals(new Http.Answer(200, "bye\n"), Http.get("127.0.0.1", port, "/quit"));

        JcapProcess.Result result = run.await(END);

        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(result.err().contains("Booting http-server (tcg, uefi boot, libvirt at qemu:///system)\n"),
                result.toString());
        assertFalse(virsh("list", "--all", "--name").contains(domain));
    }

    /**
     * More output than virtlogd keeps in one file (2 MiB: it rotates the console's log there), read
     * by a reader that stops for a while after the first line, as a slow pipe does: every line
     * arrives, in order, and the exit status after them. The console is a stream that holds the
     * guest back while jcap's output waits, as QEMU's own console pipe does.
     */
    @Test
    void foreground_libvirtDriver_printingMoreThanALogFileHolds_toAReaderThatStalls_losesNoLine() throws Exception {
        Path project = JcapProcess.talkerProject(temp);
        JcapProcess.Result build = jcap.run("build", project.toString());
        assertEquals(0, build.exitCode(), build.toString());

        JcapProcess.Reading run = jcap.startUntil(false, "line 00000", "run", "--driver", "libvirt", "talker");
        Thread.sleep(STALL.toMillis());
        List<String> rest = run.rest().lines().toList();

        assertTrue(run.process().waitFor(END.toSeconds(), TimeUnit.SECONDS));
        assertEquals(4, run.process().exitValue(), String.join("\n", rest.subList(Math.max(0, rest.size() - 20),
                rest.size())));
        assertEquals(JcapProcess.TALKER_LINES - 1, rest.size(), "lines after the first");
        for (int i = 0; i < rest.size(); i++) {
            assertEquals(JcapProcess.talkerLine(i + 1), rest.get(i));
        }
    }

    /**
     * The running jcap domain whose QEMU forwards {@code port}: other tests on this machine may run
     * domains of their own at the same time.
     */
    private static String domainForwarding(int port) {
        String forward = "hostfwd=tcp:127.0.0.1:" + port + "-:8080";
        List<String> found = virsh("list", "--name").lines().filter(n -> n.startsWith("jcap-"))
                .filter(n -> virsh("dumpxml", n).contains(forward)).toList();
        assertEquals(1, found.size(), "domains forwarding " + port + ": " + found);
        return found.get(0);
    }

    private static String virsh(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("virsh", "-c", "qemu:///system"));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("virsh " + String.join(" ", args) + " did not end within 30 s");
            }
            // A domain that ended between list and dumpxml is simply not ours any more.
            return process.exitValue() == 0 || args[0].equals("dumpxml") ? out : fail("virsh failed: " + out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The console without the lines of the polls for "/", whose number varies. */
    private static String withoutPolls(String console) {
        return console.lines().filter(l -> !l.equals("http-server: GET /")).map(l -> l + "\n")
                .collect(Collectors.joining());
    }
}
