package io.jcap.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.testsupport.Component;
import io.jcap.testsupport.Requires;
import io.jcap.testsupport.TestSshd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jcap run --driver libvirt --connect qemu+ssh://...} from a machine without QEMU: the real
 * bin/jcap with a PATH that holds every program of the test's PATH except QEMU's, this machine's
 * libvirtd reached through a test-owned sshd on 127.0.0.1 as if it were another host.
 */
@Requires({Component.LIBVIRT, Component.SSHD})
class LibvirtRemoteRunIT {
    @TempDir
    static Path temp;
    static JcapProcess jcap;
    static TestSshd sshd;
    static Map<String, String> withoutQemu;

    @BeforeAll
    static void buildHelloAndStartSshd() throws Exception {
        jcap = JcapProcess.withKernels(temp.resolve("home"));
        JcapProcess.Result build = jcap.run("build", "examples/hello");
        assertEquals(0, build.exitCode(), build.toString());
        sshd = TestSshd.start(Files.createDirectory(temp.resolve("sshd")));
        withoutQemu = Map.of("PATH", pathWithout("qemu", temp.resolve("bin")).toString(), "JCAP_QEMU", "");
    }

    @AfterAll
    static void stopSshd() throws Exception {
        if (sshd != null) {
            sshd.close();
        }
    }

    @Test
    void run_remoteLibvirtWithoutQemuHere_bootsThereAndPrintsTheGuestsOutput() throws Exception {
        JcapProcess.Result noQemu = jcap.run(withoutQemu, "images");
        JcapProcess.Result run = jcap.run(withoutQemu, "run", "--driver", "libvirt", "--connect", sshd.libvirtSshUri(),
                "hello");

        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("Hello from jcap, world!\n", run.out(), run.toString());
        assertTrue(run.err().contains("Uploading image.qcow2 to 127.0.0.1: 100% of"), run.toString());
        assertFalse(run.err().contains("QEMU not found"), run.toString());
        // The same PATH really hides QEMU: the qemu driver cannot run here.
        JcapProcess.Result local = jcap.run(withoutQemu, "run", "hello");
        assertEquals(3, local.exitCode(), local.toString());
        assertTrue(local.err().contains("QEMU not found"), local.toString());
        assertEquals(0, noQemu.exitCode(), noQemu.toString());
        ExamplesIT.assertFolderEmpty(jcap.home.resolve("tmp"));
    }

    /** {@code -i} over SSH: the console's libvirt stream carries the input to the remote domain. */
    @Test
    void run_interactiveOnRemoteLibvirt_passesTheInputToTheApplication() throws Exception {
        Path reader = JcapProcess.cProject(temp, "reader", ConsoleInputIT.READER, "");
        JcapProcess.Result build = jcap.run("build", reader.toString());
        assertEquals(0, build.exitCode(), build.toString());

        JcapProcess.Result run = jcap.runWithInput(withoutQemu, "one\ntwo\n", "run", "-i", "--driver", "libvirt",
                "--connect", sshd.libvirtSshUri(), "reader");

        assertEquals(2, run.exitCode(), run.toString());
        assertEquals("reader ready\ngot [one]\ngot [two]\nreader: end of file after 2 lines\n", run.out(), run.toString());
    }

    @Test
    void run_remoteLibvirtWhoseHostKeyIsUnknown_isRefusedBeforeAnythingIsUploaded() throws Exception {
        Path empty = Files.createFile(temp.resolve("empty_known_hosts"));
        String uri = sshd.libvirtSshUri().replace("known_hosts=" + sshd.knownHosts, "known_hosts=" + empty);

        JcapProcess.Result run = jcap.run(withoutQemu, "run", "--driver", "libvirt", "--connect", uri, "hello");

        assertEquals(3, run.exitCode(), run.toString());
        assertTrue(run.err().endsWith("jcap: SSH host [127.0.0.1]:" + sshd.port + " is not in " + empty
                + ": connect once with 'ssh -p " + sshd.port + " " + sshd.user + "@127.0.0.1' to check and accept its key"
                + " (jcap never skips the host key check)\n"), run.toString());
        assertFalse(run.err().contains("Uploading") || run.err().contains("Booting"), run.toString());
        assertEquals("", run.out(), run.toString());
    }

    /** A folder of links to every program on this test's PATH whose name does not start with {@code prefix}. */
    static Path pathWithout(String prefix, Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String entry : System.getenv("PATH").split(":")) {
            Path folder = Path.of(entry);
            if (entry.isEmpty() || !Files.isDirectory(folder)) {
                continue;
            }
            try (var programs = Files.list(folder)) {
                for (Path program : programs.toList()) {
                    Path link = dir.resolve(program.getFileName().toString());
                    if (!program.getFileName().toString().startsWith(prefix) && Files.isExecutable(program)
                            && !Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        Files.createSymbolicLink(link, program);
                    }
                }
            }
        }
        return dir;
    }
}
