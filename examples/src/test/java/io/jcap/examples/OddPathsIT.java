package io.jcap.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A jcap home and a project whose paths hold a space, a comma and non-ASCII letters: QEMU's
 * option syntax ends a value at a comma, and a detached run's QMP socket (in the instance's
 * folder under the home) was refused with an internal error.
 */
class OddPathsIT {
    @TempDir
    Path temp;

    @Test
    void buildRunAndDetachedRun_inAHomeWithACommaAndASpace() throws Exception {
        JcapProcess jcap = JcapProcess.withKernels(temp.resolve("jcap home, ünï"));
        jcap.requireDetachedRun();
        Path project = JcapProcess.copyExample("hello", Files.createDirectories(temp.resolve("my app, v2")));

        JcapProcess.Result build = jcap.run("build", "--name", "odd", project.toString());
        assertEquals(0, build.exitCode(), build.toString());
        JcapProcess.Result run = jcap.run("run", "odd");
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("Hello from jcap, world!\n", run.out(), run.toString());
        JcapProcess.Result disk = jcap.run("run", "--boot", "disk", "odd");
        assertEquals("Hello from jcap, world!\n", disk.out(), disk.toString());

        JcapProcess.Result started = jcap.run("run", "-d", "--name", "odd-1", "odd");
        assertEquals(0, started.exitCode(), started.toString());
        try {
            String logs = Poll.until("odd-1's greeting", Duration.ofSeconds(120), () -> {
                JcapProcess.Result l = jcap.run("logs", "odd-1");
                return l.out().contains("Hello from jcap") ? Optional.of(l.out()) : Optional.empty();
            });
            assertTrue(logs.contains("Hello from jcap, world!\n"), logs);
            JcapProcess.Result ended = Poll.until("odd-1 ended", Duration.ofSeconds(60), () -> {
                JcapProcess.Result ps = jcap.run("ps", "-a");
                return ps.out().contains("exited (0)") ? Optional.of(ps) : Optional.empty();
            });
            assertTrue(ended.out().contains("odd-1"), ended.toString());
        } finally {
            JcapProcess.Result rm = jcap.run("rm", "-f", "odd-1");
            assertEquals(0, rm.exitCode(), rm.toString());
        }
    }
}
