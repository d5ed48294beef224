package io.jcap.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
        Path data = project.resolve("root/data");
        Random random = new Random(11);
        JcapProcess.randomFiles(data, 200, 64 * 1024, random);
        Files.writeString(project.resolve("Capstanfile"), Files.readString(project.resolve("Capstanfile"))
                + "rootfs: root\n");
        JcapProcess.Result build = jcap.run("build", project.toString());
        assertEquals(0, build.exitCode(), build.toString());
        Path image = jcap.home.resolve("images/sleeper/image.qcow2");
        byte[] before = Files.readAllBytes(image);
        JcapProcess.randomFiles(data, 200, 64 * 1024, random);

        JcapProcess.Reading started = jcap.startUntil(true, "QEMU command: ", "build", "-v", "--force", project.toString());
        // The line comes as QEMU is being started: wait until it runs.
        Http.within(Duration.ofSeconds(10), () -> {
            try {
                return !RunInterruptIT.qemuProcessesOf(jcap.home).isEmpty();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertEquals(1, RunInterruptIT.qemuProcessesOf(jcap.home).size(), "one QEMU boots the builder");

        pressCtrlC(jcap, started);
        assertArrayEquals(before, Files.readAllBytes(image), "the image stored before is untouched");
        JcapProcess.Result images = jcap.run("images");
        assertTrue(images.out().contains("sleeper"), images.toString());
    }

    @Test
    void forcedBuild_interruptedWhileStreaming_stopsQuietlyAndLeavesNothing() throws Exception {
        JcapProcess jcap = JcapProcess.withKernels(temp.resolve("home"));
        Path project = JcapProcess.sleeperProject(temp);
        // About a second of stream under TCG: the signal comes while the files are under way.
        JcapProcess.randomFiles(project.resolve("root/data"), 64, 1 << 20, new Random(12));
        Files.writeString(project.resolve("Capstanfile"), Files.readString(project.resolve("Capstanfile"))
                + "rootfs: root\n");

        JcapProcess.Reading started = jcap.startUntil(true, "Connected to the builder guest", "build", "-v", "--force",
                project.toString());
        pressCtrlC(jcap, started);
        JcapProcess.Result images = jcap.run("images");
        assertTrue(!images.out().contains("sleeper"), images.toString());
    }

    @Test
    void incrementalBuild_interruptedWhileTheBuilderBoots_neitherReportsAFailureNorBuildsFromScratch() throws Exception {
        JcapProcess jcap = JcapProcess.withKernels(temp.resolve("home"));
        Path project = JcapProcess.sleeperProject(temp);
        Path data = project.resolve("root/data");
        JcapProcess.randomFiles(data, 8, 64 * 1024, new Random(13));
        Files.writeString(project.resolve("Capstanfile"), Files.readString(project.resolve("Capstanfile"))
                + "rootfs: root\n");
        assertEquals(0, jcap.run("build", project.toString()).exitCode());
        Path image = jcap.home.resolve("images/sleeper/image.qcow2");
        byte[] before = Files.readAllBytes(image);
        Files.writeString(data.resolve("changed.txt"), "one changed file: an incremental build\n");

        JcapProcess.Reading started = jcap.startUntil(true, "QEMU command: ", "build", "-v", project.toString());
        Http.within(Duration.ofSeconds(10), () -> {
            try {
                return !RunInterruptIT.qemuProcessesOf(jcap.home).isEmpty();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        List<String> qemu = RunInterruptIT.qemuProcessesOf(jcap.home);
        assertTrue(qemu.size() == 1 && qemu.get(0).contains("jcap.incremental=1"), "an incremental build: " + qemu);
        String rest = pressCtrlC(jcap, started);
        assertTrue(!rest.contains("The incremental build failed") && !rest.contains("from scratch"), rest);
        assertArrayEquals(before, Files.readAllBytes(image), "the image stored before is untouched");
    }

    /**
     * Ctrl-C to jcap's process group, then what every interrupted build leaves: exit 130, no image
     * built, no error line (what broke because the VM was stopped is not the build's failure), no
     * QEMU, nothing in the temp folder, no staging or retired folder.
     */
    private static String pressCtrlC(JcapProcess jcap, JcapProcess.Reading started) throws Exception {
        Process run = started.process();
        new ProcessBuilder("kill", "-INT", "--", "-" + run.pid()).start().waitFor();
        assertTrue(run.waitFor(60, TimeUnit.SECONDS), "jcap build ends after Ctrl-C");
        String rest = started.rest();
        assertEquals(130, run.exitValue(), rest);
        assertTrue(!rest.contains("Built image"), rest);
        assertEquals(List.of(), rest.lines().filter(l -> l.startsWith("jcap: ")).toList(), rest);
        assertEquals(List.of(), RunInterruptIT.qemuProcessesOf(jcap.home));
        ExamplesIT.assertFolderEmpty(jcap.home.resolve("tmp"));
        assertEquals(List.of(), StoreFaultsIT.entries(jcap.home.resolve("images"), ".{staging,retired}-*"),
                "no staging or retired folder is left");
        return rest;
    }
}
