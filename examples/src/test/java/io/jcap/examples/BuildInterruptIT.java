package io.jcap.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C on a forced {@code jcap build} right after its builder VM started, while the host still
 * digests the files beside the guest's boot, and in the middle of the stream: the VM stops, no
 * error is reported (what broke because the VM was stopped is not the build's failure), nothing is
 * left in jcap's temp folder or the repository, and the image stored before is untouched.
 */
class BuildInterruptIT {
    @TempDir
    Path temp;

    @Test
    void forcedBuild_interruptedWhileTheBuilderBoots_stopsTheVmAndKeepsTheStoredImage() throws Exception {
        JcapProcess jcap = JcapProcess.withKernels(temp.resolve("home"));
        Path project = JcapProcess.sleeperProject(temp);
        // Files the digest cache does not know yet, so the host is still reading them when QEMU starts.
        Path data = Files.createDirectories(project.resolve("root/data"));
        Random random = new Random(11);
        for (int i = 0; i < 200; i++) {
            byte[] bytes = new byte[64 * 1024];
            random.nextBytes(bytes);
            Files.write(data.resolve("f" + i), bytes);
        }
        Files.writeString(project.resolve("Capstanfile"), Files.readString(project.resolve("Capstanfile"))
                + "rootfs: root\n");
        JcapProcess.Result build = jcap.run("build", project.toString());
        assertEquals(0, build.exitCode(), build.toString());
        Path image = jcap.home.resolve("images/sleeper/image.qcow2");
        byte[] before = Files.readAllBytes(image);
        for (int i = 0; i < 200; i++) {
            byte[] bytes = new byte[64 * 1024];
            random.nextBytes(bytes);
            Files.write(data.resolve("f" + i), bytes);
        }

        // Its own process group, as a terminal gives a foreground job.
        ProcessBuilder pb = new ProcessBuilder("setsid", JcapProcess.LAUNCHER.toString(), "build", "-v", "--force",
                project.toString()).redirectErrorStream(true);
        pb.environment().put("JCAP_HOME", jcap.home.toString());
        Process run = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(run.getInputStream(), StandardCharsets.UTF_8));
        List<String> seen = new ArrayList<>();
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("QEMU command: ")) {
            seen.add(line);
        }
        assertTrue(line != null, "the builder VM started: " + seen);
        // The line comes as QEMU is being started: wait until it runs.
        Http.within(Duration.ofSeconds(10), () -> {
            try {
                return !RunInterruptIT.qemuProcessesOf(jcap.home).isEmpty();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertEquals(1, RunInterruptIT.qemuProcessesOf(jcap.home).size(), "one QEMU boots the builder");

        new ProcessBuilder("kill", "-INT", "--", "-" + run.pid()).start().waitFor();
        assertTrue(run.waitFor(60, TimeUnit.SECONDS), "jcap build ends after Ctrl-C");
        String rest = String.join("\n", out.lines().toList());
        assertEquals(130, run.exitValue(), rest);
        assertTrue(!rest.contains("Built image"), rest);
        assertEquals(List.of(), rest.lines().filter(l -> l.startsWith("jcap: ")).toList(), rest);
        assertEquals(List.of(), RunInterruptIT.qemuProcessesOf(jcap.home));
        ExamplesIT.assertFolderEmpty(jcap.home.resolve("tmp"));
        assertEquals(List.of(), StoreFaultsIT.entries(jcap.home.resolve("images"), ".{staging,retired}-*"),
                "no staging or retired folder is left");
        assertArrayEquals(before, Files.readAllBytes(image), "the image stored before is untouched");
        JcapProcess.Result images = jcap.run("images");
        assertTrue(images.out().contains("sleeper"), images.toString());
    }

    @Test
    void forcedBuild_interruptedWhileStreaming_stopsQuietlyAndLeavesNothing() throws Exception {
        JcapProcess jcap = JcapProcess.withKernels(temp.resolve("home"));
        Path project = JcapProcess.sleeperProject(temp);
        // About a second of stream under TCG: the signal comes while the files are under way.
        Path data = Files.createDirectories(project.resolve("root/data"));
        Random random = new Random(12);
        for (int i = 0; i < 64; i++) {
            byte[] bytes = new byte[1 << 20];
            random.nextBytes(bytes);
            Files.write(data.resolve("f" + i), bytes);
        }
        Files.writeString(project.resolve("Capstanfile"), Files.readString(project.resolve("Capstanfile"))
                + "rootfs: root\n");

        ProcessBuilder pb = new ProcessBuilder("setsid", JcapProcess.LAUNCHER.toString(), "build", "-v", "--force",
                project.toString()).redirectErrorStream(true);
        pb.environment().put("JCAP_HOME", jcap.home.toString());
        Process run = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(run.getInputStream(), StandardCharsets.UTF_8));
        List<String> seen = new ArrayList<>();
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("Connected to the builder guest")) {
            seen.add(line);
        }
        assertTrue(line != null, "the stream started: " + seen);

        new ProcessBuilder("kill", "-INT", "--", "-" + run.pid()).start().waitFor();
        assertTrue(run.waitFor(60, TimeUnit.SECONDS), "jcap build ends after Ctrl-C");
        String rest = String.join("\n", out.lines().toList());
        assertEquals(130, run.exitValue(), rest);
        assertTrue(!rest.contains("Built image"), rest);
        assertEquals(List.of(), rest.lines().filter(l -> l.startsWith("jcap: ")).toList(), rest);
        assertEquals(List.of(), RunInterruptIT.qemuProcessesOf(jcap.home));
        ExamplesIT.assertFolderEmpty(jcap.home.resolve("tmp"));
        assertEquals(List.of(), StoreFaultsIT.entries(jcap.home.resolve("images"), ".{staging,retired}-*"),
                "no staging or retired folder is left");
        JcapProcess.Result images = jcap.run("images");
        assertTrue(!images.out().contains("sleeper"), images.toString());
    }
}
