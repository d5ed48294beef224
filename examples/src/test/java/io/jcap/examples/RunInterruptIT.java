package io.jcap.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ctrl-C on a running {@code jcap run}: the VM stops, and no process or temporary file is left. */
class RunInterruptIT {
    @TempDir
    Path temp;

    @Test
    void run_interrupted_stopsTheVmAndLeavesNothingBehind() throws Exception {
        JcapProcess jcap = JcapProcess.withKernels(temp.resolve("home"));
        Path project = JcapProcess.sleeperProject(temp);
        JcapProcess.Result build = jcap.run("build", project.toString());
        assertEquals(0, build.exitCode(), build.toString());

        // Its own process group, as a terminal gives a foreground job, so the signal reaches what
        // Ctrl-C reaches.
        ProcessBuilder pb = new ProcessBuilder("setsid", JcapProcess.LAUNCHER.toString(), "run", "sleeper")
                .redirectErrorStream(true);
        pb.environment().put("JCAP_HOME", jcap.home.toString());
        Process run = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(run.getInputStream(), StandardCharsets.UTF_8));
        String line;
        StringBuilder seen = new StringBuilder();
        while ((line = out.readLine()) != null && !line.equals("ready")) {
            seen.append(line).append('\n');
        }
        assertEquals("ready", line, seen.toString());
        assertTrue(qemuProcessesOf(jcap.home).size() == 1, "one QEMU runs the image");

        new ProcessBuilder("kill", "-INT", "--", "-" + run.pid()).start().waitFor();
        assertTrue(run.waitFor(60, TimeUnit.SECONDS), "jcap run ends after Ctrl-C");
        assertEquals(130, run.exitValue());
        String rest = out.lines().collect(java.util.stream.Collectors.joining("\n"));
        assertTrue(!rest.contains("without reporting"), "a stopped run is not reported as a broken image: " + rest);
        assertEquals(List.of(), qemuProcessesOf(jcap.home));
        ExamplesIT.assertFolderEmpty(jcap.home.resolve("tmp"));
        JcapProcess.Result images = jcap.run("images");
        assertTrue(images.out().contains("sleeper"), images.toString());
    }

    @Test
    void run_interruptedDuringTheAcceleratorProbe_cachesNoVerdictAndLeavesNoFile() throws Exception {
        JcapProcess jcap = JcapProcess.withKernels(temp.resolve("home"));
        Path project = JcapProcess.copyExample("hello", temp);
        assertEquals(0, jcap.run("build", project.toString()).exitCode());
        Path cache = jcap.home.resolve("cache");
        java.nio.file.Files.deleteIfExists(cache.resolve("accelerator.json"));

        ProcessBuilder pb = new ProcessBuilder("setsid", JcapProcess.LAUNCHER.toString(), "run", "hello")
                .redirectErrorStream(true);
        pb.environment().put("JCAP_HOME", jcap.home.toString());
        Process run = pb.start();
        // The probe's QEMU boots a disk in a jcap-probe- folder; under PVM it waits out its 3 s bound.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        boolean probing = false;
        while (!probing && run.isAlive() && System.nanoTime() < deadline) {
            probing = qemuProcessesOf(Path.of("jcap-probe-")).size() > 0;
            Thread.sleep(20);
        }
        io.jcap.testsupport.Requirements.require(probing,
                "an accelerator probe slow enough to interrupt (KVM answers at once on this machine)");
        new ProcessBuilder("kill", "-INT", "--", "-" + run.pid()).start().waitFor();
        String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(run.waitFor(60, TimeUnit.SECONDS), "jcap run ends after Ctrl-C");
        assertEquals(130, run.exitValue(), output);
        assertTrue(!output.contains("jcap:"), "a stop says nothing: " + output);

        assertTrue(!java.nio.file.Files.exists(cache.resolve("accelerator.json")),
                "no verdict of a killed probe is kept for the host's boot");
        try (var left = java.nio.file.Files.newDirectoryStream(cache, "accel*")) {
            assertTrue(!left.iterator().hasNext(), "no temporary file of the cache is left");
        }
        JcapProcess.Result again = jcap.run("run", "hello");
        assertEquals(0, again.exitCode(), again.toString());
        assertTrue(!again.err().contains("signal"), again.toString());
    }

    /** Command lines of QEMU processes that use files under {@code home}. */
    static List<String> qemuProcessesOf(Path home) throws Exception {
        Process ps = new ProcessBuilder("ps", "-eo", "args").start();
        String all = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        ps.waitFor();
        return all.lines().filter(l -> l.contains("qemu-system") && l.contains(home.toString())).toList();
    }
}
